"""Plans (the active plan and the contact plan) and activities from a catalogue.

A plan's content lives in PlanVersion rows: every save adds a version, old versions are never
changed, and the version with the highest number is the current one. A plan is open while
`ended_on` is empty; a client has at most one open plan of each kind.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner
from rattvag.clients.models import Case, Client
from rattvag.core.concurrency import version_field
from rattvag.core.models import TimeStampedModel


class PlanKind(models.TextChoices):
    ACTIVE = "active", _("Active plan")
    CONTACT = "contact", _("Contact plan")


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    EVERY_SECOND_WEEK = "every_second_week", _("Every second week")
    MONTHLY = "monthly", _("Every month")
    OTHER = "other", _("Other (described below)")


class AgreementForm(models.TextChoices):
    SIGNED = "signed", _("Signed by the client")
    ORAL = "oral", _("Oral agreement")
    DIGITAL = "digital", _("Agreed digitally")


class Plan(TimeStampedModel):
    """An active plan or a contact plan for a client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plans", verbose_name=_("client"))
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans", verbose_name=_("case")
    )
    kind = models.CharField(_("kind of plan"), max_length=10, choices=PlanKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["kind", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=models.Q(ended_on__isnull=True),
                name="plan_one_open_per_client_and_kind",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind"], name="plan_case_kind_idx")]

    def __str__(self) -> str:
        return f"Plan #{self.pk}"


class PlanVersion(models.Model):
    """One saved revision of a plan. Never changed after it is written.

    Active plan: goals, steps, responsible, starts_on/ends_on, follow_up_on.
    Contact plan: contact_frequency (+ contact_how). Both: the care and treatment plan reference
    and the client's agreement (agreed_on, agreed_how).
    """

    # No index of its own: plan_version_unique_number starts with it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"), db_index=False
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    goals = models.TextField(_("goals"), blank=True)
    steps = models.TextField(_("activities and steps"), blank=True)
    responsible = models.CharField(_("who is responsible"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    contact_frequency = models.CharField(_("how often"), max_length=20, choices=ContactFrequency.choices, blank=True)
    contact_how = models.TextField(_("how client and caseworker meet"), blank=True)
    care_plan_reference = models.CharField(_("care and treatment plan"), max_length=300, blank=True)
    care_plan_dated = models.DateField(_("care and treatment plan dated"), null=True, blank=True)
    agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    agreed_how = models.CharField(_("how the client agreed"), max_length=10, choices=AgreementForm.choices, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number"),
            models.CheckConstraint(name="plan_version_number_positive", condition=models.Q(number__gte=1)),
            models.CheckConstraint(
                name="plan_version_ends_not_before_start",
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="plan_version_agreement_complete",
                condition=models.Q(agreed_on__isnull=True, agreed_how="")
                | models.Q(agreed_on__isnull=False) & ~models.Q(agreed_how=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Plan #{self.plan_id} v{self.number}"


class ActivityType(TimeStampedModel):
    """The catalogue of activities (insatser), maintained by an administrator. `code` is stable."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True, help_text=_("Types not in use cannot be chosen."))
    order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")


class ActivityResult(models.TextChoices):
    COMPLETED = "completed", _("Completed as planned")
    INTERRUPTED = "interrupted", _("Interrupted")
    NOT_STARTED = "not_started", _("Never started")
    OTHER = "other", _("Other")


class Activity(TimeStampedModel):
    """An activity for a client: planned (planned_on), started (started_on), ended (ended_on)."""

    # No index of its own: activity_client_type_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="activities", verbose_name=_("client"), db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities", verbose_name=_("case")
    )
    type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("activity")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities", verbose_name=_("plan")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("run by partner organisation"),
    )
    planned_on = models.DateField(_("planned start"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ActivityResult.choices, blank=True)
    result_note = models.TextField(_("about the result"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    version = version_field()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-planned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_not_before_start",
                condition=models.Q(started_on__isnull=True)
                | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="activity_result_only_when_ended",
                condition=models.Q(result="") | models.Q(ended_on__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["client", "type"], name="activity_client_type_idx")]

    def __str__(self) -> str:
        return f"Activity #{self.pk}"

    @property
    def status(self) -> ActivityStatus:
        if self.ended_on is not None:
            return ActivityStatus.ENDED
        if self.started_on is not None:
            return ActivityStatus.ONGOING
        return ActivityStatus.PLANNED


class ActivityCode:
    """Stable codes of seeded catalogue entries that method rules refer to."""

    PREPARATORY = "preparatory_activity"
    WORK_REHABILITATION = "work_rehabilitation"
    DEEPER_MAPPING_AME = "deeper_mapping_ame"
    WORK_CAPACITY_ASSESSMENT = "work_capacity_assessment"
    MOTIVATIONAL_INTERVIEWING = "motivational_interviewing"
    COORDINATED_REHABILITATION_FK = "coordinated_rehabilitation_fk"
    SICKNESS_BENEFIT_APPLICATION = "sickness_benefit_application"
    DISABILITY_BENEFIT_APPLICATION = "disability_benefit_application"
    OTHER = "other"
