"""The method's rules (issue 5), with Swedish and English names and descriptions and default parameters.

Codes are stable: each names an implementation in rattvag/followup/rules/. Texts and parameters
can be changed in the admin afterwards; re-running this migration does not overwrite them.
"""

from django.db import migrations

RULES = [
    # (position, code, parameters, name_sv, name_en, description_sv, description_en)
    (
        10,
        "active_plan",
        {"days": 60},
        "Aktiv plan senast dag 60 i sjukfallet",
        "Active plan by day 60 of the sick-leave spell",
        "En aktiv plan för snabbaste vägen till egen försörjning ska finnas senast den dag då det pågående "
        "sjukfallet når det angivna antalet sjukskrivningsdagar (räknat som i Rehabstöd).",
        "An active plan for the fastest way to self-support must exist at the latest on the day the current "
        "sick-leave spell reaches the given number of sick-listed days (counted as in Rehabstöd).",
    ),
    (
        20,
        "sgi_checked",
        {"days": 7},
        "SGI kontrollerad för sjukskrivna",
        "SGI checked for sick-listed clients",
        "För varje sjukskriven klient ska SGI vara utredd (ingen SGI eller har SGI) inom angivet antal dagar "
        "efter att sjukfallets första intyg kom in. Alla sjukskrivna ska ansöka om sjukpenning.",
        "For every sick-listed client the SGI must be checked (no SGI or has SGI) within the given number of "
        "days after the spell's first certificate was received. Everyone sick-listed should apply for sjukpenning.",
    ),
    (
        30,
        "consent_before_healthcare",
        {},
        "Samtycke innan vården kontaktas",
        "Consent before contacting healthcare",
        "Vården får bara kontaktas när ett giltigt samtycke till kontakt med just den vårdenheten finns. "
        "Frågor som skickats utan samtycke visas som försenade tills samtycket är registrerat.",
        "Healthcare may only be contacted under a valid consent to contact that care unit. Questions sent "
        "without consent are shown as overdue until the consent is recorded.",
    ),
    (
        40,
        "mapping_meeting",
        {"days": 30},
        "Kartläggningsmöte inom N dagar",
        "Mapping meeting within N days",
        "Ett kartläggningsmöte med klienten ska hållas inom angivet antal dagar efter att ohälsa registrerats "
        "som hinder (det första läkarintyget i ärendet, annars ärendets startdatum).",
        "A mapping meeting with the client must be held within the given number of days after ill-health was "
        "recorded as the obstacle (the first certificate in the case, otherwise the day the case opened).",
    ),
    (
        50,
        "contact_plan",
        {"days": 14},
        "Skriftlig kontaktplan i varje ärende",
        "Written contact plan for every case",
        "Varje ärende i metoden ska ha en skriftlig plan för hur klient och handläggare håller kontakt, "
        "senast angivet antal dagar efter att ärendet öppnades.",
        "Every case in the method must have a written plan for how client and caseworker keep in contact, "
        "at the latest the given number of days after the case opened.",
    ),
    (
        60,
        "sip_when_agencies",
        {"days": 30},
        "SIP när flera huvudmän har insatser",
        "SIP when several agencies have interventions",
        "När två eller flera aktörer har insatser (pågående aktiviteter hos samverkansparter av minst två slag, "
        "eller överenskomna åtgärder för minst två organisationer) ska en samordnad individuell plan upprättas "
        "inom angivet antal dagar.",
        "When two or more agencies have interventions (ongoing activities with partners of at least two kinds, "
        "or agreed actions for at least two organisations) a coordinated individual plan must be drawn up "
        "within the given number of days.",
    ),
    (
        70,
        "work_capacity_before_application",
        {},
        "Arbetsförmågebedömning före ansökan om sjuk- eller aktivitetsersättning",
        "Work-capacity assessment before applying for sickness or activity compensation",
        "Alla ska erbjudas en arbetsförmågebedömning innan en ansökan om sjukersättning eller "
        "aktivitetsersättning görs.",
        "Everyone must be offered a work-capacity assessment before an application for sjukersättning or "
        "aktivitetsersättning is made.",
    ),
    (
        80,
        "certificate_expiry",
        {"days": 14},
        "Läkarintyg som löper ut",
        "Certificate expiring",
        "Visas när sista intygade dag är inom angivet antal dagar, och som försenad när den har passerat "
        "utan att ett nyare intyg registrerats.",
        "Shown when the last certified day is within the given number of days, and as overdue once it has "
        "passed without a newer certificate.",
    ),
    (
        90,
        "healthcare_unanswered",
        {},
        "Obesvarade frågor till vården",
        "Questions to healthcare unanswered",
        "Frågor till vården ska vara besvarade senast påminnelsedatumet (tre veckor efter att de skickades "
        "om inget annat valts).",
        "Questions to healthcare should be answered by their reminder date (three weeks after they were sent "
        "unless chosen otherwise).",
    ),
    (
        100,
        "plan_follow_up",
        {"notice_days": 14},
        "Uppföljning av den aktiva planen",
        "Follow-up of the active plan",
        "Den aktiva planen ska följas upp senast på sitt uppföljningsdatum, med ett uppföljningsmöte eller en "
        "ny version av planen. Visas angivet antal dagar innan.",
        "The active plan must be followed up by its follow-up date, with a follow-up meeting or a new version "
        "of the plan. Shown the given number of days before.",
    ),
    (
        110,
        "consent_expiring",
        {"days": 14},
        "Samtycke som snart upphör",
        "Consent about to expire",
        "Ett samtycke som upphör inom angivet antal dagar ska förnyas om det fortfarande behövs. Visas också "
        "lika många dagar efter att det upphört.",
        "A consent ending within the given number of days must be renewed if it is still needed. Also shown "
        "as many days after it ended.",
    ),
]


def seed(apps, schema_editor):
    MethodRule = apps.get_model("followup", "MethodRule")
    for position, code, parameters, name_sv, name_en, description_sv, description_en in RULES:
        MethodRule.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "parameters": parameters,
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": description_sv,
                "description_en": description_en,
                "enabled_by_default": True,
            },
        )


def unseed(apps, schema_editor):
    MethodRule = apps.get_model("followup", "MethodRule")
    MethodRule.objects.filter(code__in=[row[1] for row in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
