"""The activity catalogue from the method (issue 5). Codes are stable: method rules refer to them."""

from django.db import migrations

ACTIVITY_TYPES = [
    # (code, Swedish name, English name, order)
    ("preparatory_activity", "Förberedande insats", "Preparatory activity", 10),
    ("work_rehabilitation", "Arbetslivsinriktad rehabilitering", "Work rehabilitation", 20),
    ("deeper_mapping_ame", "Fördjupad kartläggning via AME", "Deeper mapping via AME", 30),
    ("work_capacity_assessment", "Arbetsförmågebedömning via AMC", "Work-capacity assessment via AMC", 40),
    ("motivational_interviewing", "Motiverande samtal (MI)", "Motivational interviewing", 50),
    (
        "coordinated_rehabilitation_fk",
        "Samordnad rehabilitering genom Försäkringskassan",
        "Coordinated rehabilitation through Försäkringskassan",
        60,
    ),
    ("sickness_benefit_application", "Ansökan om sjukpenning", "Application for sickness benefit (sjukpenning)", 70),
    (
        "disability_benefit_application",
        "Ansökan om sjukersättning eller aktivitetsersättning",
        "Application for sickness or activity compensation",
        80,
    ),
    ("other", "Annan insats", "Other activity", 1000),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("plans", "ActivityType")
    for code, name_sv, name_en, order in ACTIVITY_TYPES:
        ActivityType.objects.update_or_create(
            code=code, defaults={"name_sv": name_sv, "name_en": name_en, "order": order}
        )


def unseed(apps, schema_editor):
    ActivityType = apps.get_model("plans", "ActivityType")
    ActivityType.objects.filter(code__in=[row[0] for row in ACTIVITY_TYPES], activities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
