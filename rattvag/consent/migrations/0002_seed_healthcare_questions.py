"""The first catalogue of questions to healthcare (kommunikationsverktyg). Maintained in the admin afterwards."""

from django.db import migrations

QUESTIONS = [
    (
        "expected_duration",
        "Hur länge bedömer ni att arbetsförmågan är nedsatt, och när planeras nästa bedömning?",
        "How long do you expect the work capacity to be reduced, and when is the next assessment planned?",
    ),
    (
        "abilities_despite_illness",
        "Vad kan patienten göra trots sjukdomen? Beskriv vilka aktiviteter som fungerar.",
        "What can the patient do despite the illness? Describe which activities work.",
    ),
    (
        "partial_activity",
        "Är aktivitet på 25 eller 50 procent möjlig, och i så fall vilken sorts aktivitet "
        "(till exempel förberedande insatser, arbetsträning, studier)?",
        "Is activity at 25 or 50 per cent possible, and if so which kinds "
        "(for example preparatory activities, work training, studies)?",
    ),
    (
        "planned_treatment",
        "Vilken behandling pågår eller planeras, och finns det remisser till andra vårdgivare?",
        "Which treatment is ongoing or planned, and are there referrals to other care providers?",
    ),
    (
        "contraindications",
        "Finns det aktiviteter eller belastningar som patienten bör undvika (kontraindikationer)?",
        "Are there activities or strains the patient should avoid (contraindications)?",
    ),
    (
        "sip_wanted",
        "Ser ni behov av en samordnad individuell plan (SIP) och vill ni delta i ett SIP-möte?",
        "Do you see a need for a coordinated individual plan (SIP), and would you take part in a SIP meeting?",
    ),
    (
        "three_party_meeting",
        "Vill ni delta i ett trepartsmöte med patienten, socialtjänsten och Försäkringskassan?",
        "Would you take part in a three-party meeting with the patient, social services and Försäkringskassan?",
    ),
    (
        "fmb_deviation",
        "Sjukskrivningen avviker från Socialstyrelsens försäkringsmedicinska beslutsstöd (FMB). Vad är skälet?",
        "The sick leave deviates from the National Board of Health and Welfare's insurance-medicine guidance (FMB). "
        "What is the reason?",
    ),
    (
        "prognosis",
        "Vilken är prognosen för att patienten ska kunna återgå i arbete eller studier?",
        "What is the prognosis for the patient's return to work or studies?",
    ),
    (
        "activity_limitations",
        "Beskriv aktivitetsbegränsningen: vad kan patienten inte göra, och i vilka situationer?",
        "Describe the activity limitation: what can the patient not do, and in which situations?",
    ),
    (
        "rehabilitation_measures",
        "Vilka arbetslivsinriktade eller rehabiliterande åtgärder rekommenderar ni?",
        "Which work-oriented or rehabilitating measures do you recommend?",
    ),
]


def seed(apps, schema_editor):
    HealthcareQuestion = apps.get_model("consent", "HealthcareQuestion")
    for position, (code, text_sv, text_en) in enumerate(QUESTIONS, start=1):
        HealthcareQuestion.objects.get_or_create(
            code=code, defaults={"text_sv": text_sv, "text_en": text_en, "position": position * 10}
        )


def unseed(apps, schema_editor):
    HealthcareQuestion = apps.get_model("consent", "HealthcareQuestion")
    HealthcareQuestion.objects.filter(code__in=[code for code, _sv, _en in QUESTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
