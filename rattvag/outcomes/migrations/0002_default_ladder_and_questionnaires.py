"""The project's default progression ladder and the questionnaires measuring the Falköping targets.

Written by the project; organisations change them in the admin afterwards (a changed ladder is a new
version, so older assessments keep the step they were given). `install_defaults` is also used by the
tests to put the rows back after a transactional test has flushed the database.
"""

import datetime

from django.db import migrations

LADDER_CODE = "default"
LADDER_NAME = ("Förflyttningstrappa (Rätt väg)", "Progression ladder (Rätt väg)")

# (label sv, label en, description sv, description en), from step 1 (furthest from work or studies).
LADDER_STEPS = [
    (
        "Långt från arbetsmarknaden, ingen aktivitet",
        "Far from the labour market, no activity",
        "Ohälsan tar all kraft. Ingen regelbunden aktivitet utanför hemmet och ingen plan ännu.",
        "Ill-health takes all the strength. No regular activity outside the home and no plan yet.",
    ),
    (
        "Kontakt och stabilisering",
        "Contact and stabilisation",
        "Har regelbunden kontakt med socialtjänsten och vården. Behandling pågår eller är planerad.",
        "Has regular contact with social services and healthcare. Treatment is ongoing or planned.",
    ),
    (
        "Kartläggning och planering",
        "Mapping and planning",
        "Deltar i kartläggning. En aktiv plan finns eller tas fram tillsammans med vården och andra parter.",
        "Takes part in mapping. An active plan exists or is being drawn up with healthcare and other partners.",
    ),
    (
        "Förberedande aktivitet",
        "Preparatory activity",
        "Deltar i en förberedande insats några timmar i veckan, till exempel motiverande samtal, "
        "friskvård eller en praktisk aktivitet.",
        "Takes part in a preparatory activity a few hours a week, for example motivational interviewing, "
        "health-promoting activity or a practical activity.",
    ),
    (
        "Arbetsträning eller arbetslivsinriktad rehabilitering",
        "Work training or work rehabilitation",
        "Deltar i arbetsträning, en insats hos AME eller samordnad rehabilitering, med stegvis ökad tid.",
        "Takes part in work training, an AME intervention or coordinated rehabilitation, with gradually more time.",
    ),
    (
        "Nära arbete eller studier",
        "Close to work or studies",
        "Klarar arbetsträning eller studieförberedelse minst halvtid. Söker arbete eller utbildning, "
        "eller är inskriven hos Arbetsförmedlingen.",
        "Manages work training or preparation for studies at least half-time. Looks for work or education, "
        "or is registered with Arbetsförmedlingen.",
    ),
    (
        "I arbete eller studier",
        "In work or studies",
        "Har ett arbete, också med stöd som lönebidrag, eller studerar.",
        "Has a job, also with support such as a wage subsidy, or studies.",
    ),
]

# code: (name sv, name en, [(value, label sv, label en)]) — higher values are better.
SCALES = {
    "degree": (
        "Grad (fyra steg)",
        "Degree (four steps)",
        [
            (4, "I mycket hög grad", "To a very high degree"),
            (3, "I ganska hög grad", "To a fairly high degree"),
            (2, "I ganska låg grad", "To a fairly low degree"),
            (1, "I mycket låg grad", "To a very low degree"),
        ],
    ),
    "usefulness": (
        "Användbarhet (fyra steg)",
        "Usefulness (four steps)",
        [
            (4, "Mycket användbart", "Very useful"),
            (3, "Ganska användbart", "Fairly useful"),
            (2, "Inte särskilt användbart", "Not very useful"),
            (1, "Inte alls användbart", "Not at all useful"),
        ],
    ),
    "yes_no": ("Ja eller nej", "Yes or no", [(1, "Ja", "Yes"), (0, "Nej", "No")]),
}

# code: (name sv, name en, intro sv, intro en, moment, position, questions)
# question: (code, text sv, text en, scale, indicator, meets_from, target %)
INTRO_SV = (
    "Dina svar hjälper oss att förbättra stödet. Ingen som läser sammanställningen kan se vad just du har svarat. "
    "Du kan hoppa över en fråga."
)
INTRO_EN = (
    "Your answers help us improve the support. Nobody reading the summary can see what you answered. "
    "You may skip a question."
)
QUESTIONNAIRES = {
    "during": (
        "Enkät under stödet",
        "Questionnaire during the support",
        INTRO_SV,
        INTRO_EN,
        "during",
        10,
        [
            (
                "ready",
                "Känner du dig mer redo att arbeta eller studera nu än när stödet började?",
                "Do you feel more ready to work or study now than when the support began?",
                "degree",
                "ready_for_work_or_studies",
                3,
                70,
            ),
            (
                "useful",
                "Hur användbart är stödet för dig hittills?",
                "How useful has the support been to you so far?",
                "usefulness",
                "support_useful",
                4,
                90,
            ),
            (
                "plan",
                "Tycker du att det finns en tillräcklig plan för vad som ska hända framåt?",
                "Do you think there is a sufficient plan for what will happen next?",
                "yes_no",
                "plan_afterwards",
                1,
                90,
            ),
        ],
    ),
    "end": (
        "Enkät vid avslut",
        "Questionnaire at the end of the support",
        INTRO_SV,
        INTRO_EN,
        "end",
        20,
        [
            (
                "ready",
                "Känner du dig mer redo att arbeta eller studera nu än innan du fick stödet?",
                "Do you feel more ready to work or study now than before you received the support?",
                "degree",
                "ready_for_work_or_studies",
                3,
                70,
            ),
            (
                "useful",
                "Hur användbart har stödet varit för dig?",
                "How useful has the support been to you?",
                "usefulness",
                "support_useful",
                4,
                90,
            ),
            (
                "plan",
                "Tycker du att det finns en tillräcklig plan för vad som händer när stödet är slut?",
                "Do you think there is a sufficient plan for what happens when the support ends?",
                "yes_no",
                "plan_afterwards",
                1,
                90,
            ),
        ],
    ),
}


def install_defaults(apps):
    """Create the default ladder and questionnaires unless they exist (idempotent)."""
    Ladder = apps.get_model("outcomes", "Ladder")
    LadderVersion = apps.get_model("outcomes", "LadderVersion")
    LadderStep = apps.get_model("outcomes", "LadderStep")
    AnswerScale = apps.get_model("outcomes", "AnswerScale")
    ScaleOption = apps.get_model("outcomes", "ScaleOption")
    Questionnaire = apps.get_model("outcomes", "Questionnaire")
    Question = apps.get_model("outcomes", "Question")

    ladder, created = Ladder.objects.get_or_create(
        code=LADDER_CODE, defaults={"municipality": None, "name_sv": LADDER_NAME[0], "name_en": LADDER_NAME[1]}
    )
    if created or not LadderVersion.objects.filter(ladder=ladder).exists():
        version = LadderVersion.objects.create(
            ladder=ladder, number=1, published=True, published_on=datetime.date(2025, 1, 1)
        )
        for number, (label_sv, label_en, description_sv, description_en) in enumerate(LADDER_STEPS, start=1):
            LadderStep.objects.create(
                version=version,
                number=number,
                label_sv=label_sv,
                label_en=label_en,
                description_sv=description_sv,
                description_en=description_en,
            )
    scales = {}
    for code, (name_sv, name_en, options) in SCALES.items():
        scale, created = AnswerScale.objects.get_or_create(code=code, defaults={"name_sv": name_sv, "name_en": name_en})
        if created:
            for position, (value, label_sv, label_en) in enumerate(options, start=1):
                ScaleOption.objects.create(
                    scale=scale, value=value, label_sv=label_sv, label_en=label_en, position=position
                )
        scales[code] = scale
    for code, (name_sv, name_en, intro_sv, intro_en, moment, position, questions) in QUESTIONNAIRES.items():
        questionnaire, created = Questionnaire.objects.get_or_create(
            code=code,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "intro_sv": intro_sv,
                "intro_en": intro_en,
                "moment": moment,
                "position": position,
            },
        )
        if not created:
            continue
        for index, (q_code, text_sv, text_en, scale, indicator, meets_from, target) in enumerate(questions, start=1):
            Question.objects.create(
                questionnaire=questionnaire,
                code=q_code,
                position=index * 10,
                text_sv=text_sv,
                text_en=text_en,
                scale=scales[scale],
                indicator=indicator,
                meets_from=meets_from,
                target_percent=target,
            )


def forwards(apps, schema_editor):
    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
