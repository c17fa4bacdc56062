"""Medical certificates (läkarintyg) after FK 7804, the care units that issue them, and SGI status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Unit
from rattvag.clients.models import Case, Client
from rattvag.core.concurrency import version_field
from rattvag.core.models import TimeStampedModel

from .icd import chapter_name, display_code
from .spells import DEFAULT_MAX_GAP, MAX_GAP_LIMIT, CertificateSpan, Period


class CareUnit(TimeStampedModel):
    """A care unit (vårdenhet) issuing certificates. One registry shared by every unit."""

    name = models.CharField(_("name"), max_length=200)
    hsa_id = models.CharField(
        _("HSA-id"), max_length=64, blank=True, help_text=_("The care unit's id in the HSA catalogue, if known.")
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        help_text=_("Set when this entry was a duplicate; its certificates moved to the other care unit."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("care unit")
        verbose_name_plural = _("care units")
        constraints = [
            models.UniqueConstraint(
                fields=["hsa_id"], condition=~models.Q(hsa_id=""), name="careunit_unique_hsa_id_when_set"
            ),
            models.CheckConstraint(
                name="careunit_not_merged_into_itself",
                condition=models.Q(merged_into__isnull=True) | ~models.Q(merged_into=models.F("id")),
            ),
        ]
        indexes = [models.Index(Lower("name"), name="careunit_name_lower_idx")]

    def __str__(self) -> str:
        return self.name


class Basis(models.TextChoices):
    OWN_EXAMINATION = "own_examination", _("The physician's own examination")
    PHONE_CONTACT = "phone_contact", _("Phone contact with the patient")
    JOURNAL_RECORDS = "journal_records", _("Journal records")
    OTHER = "other", _("Other")


class WorkCapacityActivity(models.TextChoices):
    CURRENT_WORK = "current_work", _("Current work")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    STUDIES = "studies", _("Studies")
    PARENTAL_LEAVE = "parental_leave", _("Parental leave")


class Prognosis(models.TextChoices):
    RETURNS_FULLY = "returns_fully", _("Will return fully to the activity")
    AFTER_30 = "after_30", _("Will probably return after about 30 days")
    AFTER_60 = "after_60", _("Will probably return after about 60 days")
    AFTER_90 = "after_90", _("Will probably return after about 90 days")
    AFTER_180 = "after_180", _("Will probably return after about 180 days")
    AFTER_365 = "after_365", _("Will probably return after about 365 days")
    PROBABLY_NOT = "probably_not", _("Will probably not return")
    UNCLEAR = "unclear", _("Prognosis unclear")


class Measure(models.TextChoices):
    WORK_TRAINING = "work_training", _("Work training")
    WORKPLACE_ADJUSTMENT = "workplace_adjustment", _("Workplace adjustment")
    NEW_WORK = "new_work", _("Look for new work")
    AIDS = "aids", _("Aids")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Contact occupational health care")
    OTHER = "other", _("Other")


class DiagnosisSystem(models.TextChoices):
    ICD10SE = "icd10se", "ICD-10-SE"
    KSH97P = "ksh97p", "KSH97-P"


class Degree(models.IntegerChoices):
    QUARTER = 25, "25 %"
    HALF = 50, "50 %"
    THREE_QUARTERS = 75, "75 %"
    FULL = 100, "100 %"


class Certificate(TimeStampedModel):
    """A medical certificate as registered by the caseworker, following FK 7804."""

    # No index of its own: certificate_client_issued_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("client"), db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates", verbose_name=_("case")
    )
    received_on = models.DateField(_("received on"))
    issued_on = models.DateField(_("issued on"))
    care_unit = models.ForeignKey(
        CareUnit, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("care unit")
    )
    physician_name = models.CharField(_("physician"), max_length=200, blank=True)
    basis = models.JSONField(_("based on"), default=list, blank=True, help_text=_("Codes from Basis."))
    basis_other = models.CharField(_("other basis"), max_length=500, blank=True)
    work_capacity_activities = models.JSONField(
        _("work capacity judged against"), default=list, blank=True, help_text=_("Codes from WorkCapacityActivity.")
    )
    current_work_description = models.CharField(_("current work"), max_length=500, blank=True)
    functional_impairment = models.TextField(_("impairment"), blank=True)
    activity_limitation = models.TextField(_("activity limitation"), blank=True)
    treatment = models.TextField(_("ongoing and planned treatment"), blank=True)
    prognosis = models.CharField(_("prognosis"), max_length=20, choices=Prognosis.choices, blank=True)
    recommended_measures = models.JSONField(
        _("recommended measures"), default=list, blank=True, help_text=_("Codes from Measure.")
    )
    measures_other = models.CharField(_("other measure"), max_length=500, blank=True)
    other_information = models.TextField(_("other information"), blank=True)
    wants_fk_contact = models.BooleanField(_("physician wants contact with Försäkringskassan"), default=False)
    read_with_client_on = models.DateField(_("read together with the client on"), null=True, blank=True)
    caseworker_note = models.TextField(_("caseworker's note"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    version = version_field()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("medical certificate")
        verbose_name_plural = _("medical certificates")
        constraints = [
            models.CheckConstraint(
                name="certificate_received_not_before_issued",
                condition=models.Q(received_on__gte=models.F("issued_on")),
            ),
        ]
        indexes = [models.Index(fields=["client", "issued_on"], name="certificate_client_issued_idx")]

    def __str__(self) -> str:
        return f"Certificate #{self.pk}"

    def basis_labels(self) -> list[str]:
        return [str(Basis(code).label) for code in self.basis if code in Basis.values]

    def activity_labels(self) -> list[str]:
        return [
            str(WorkCapacityActivity(code).label)
            for code in self.work_capacity_activities
            if code in WorkCapacityActivity.values
        ]

    def measure_labels(self) -> list[str]:
        return [str(Measure(code).label) for code in self.recommended_measures if code in Measure.values]

    def as_span(self) -> CertificateSpan:
        """For the spell rules; uses prefetched periods when there are any."""
        return CertificateSpan(
            certificate_id=self.pk,
            issued_on=self.issued_on,
            periods=tuple(Period(p.start, p.end, p.degree) for p in self.periods.all()),
        )


class Diagnosis(models.Model):
    # No index of its own: diagnosis_unique_position starts with it.
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("certificate"), db_index=False
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=8, blank=True, help_text=_("Stored without dot, e.g. F321."))
    system = models.CharField(_("code system"), max_length=10, choices=DiagnosisSystem.choices)
    text = models.CharField(_("diagnosis as written"), max_length=500, blank=True)
    chapter = models.CharField(_("ICD-10 chapter"), max_length=6, blank=True)
    block = models.CharField(_("ICD-10 block"), max_length=10, blank=True)
    known_to_who = models.BooleanField(_("in the WHO list"), default=True)

    class Meta:
        ordering = ["certificate", "position"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "position"], name="diagnosis_unique_position"),
            models.CheckConstraint(
                name="diagnosis_position_1_to_3", condition=models.Q(position__gte=1, position__lte=3)
            ),
        ]
        indexes = [models.Index(fields=["chapter"], name="diagnosis_chapter_idx")]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return display_code(self.code)

    @property
    def chapter_name(self) -> str:
        return chapter_name(self.chapter)


class CertificatePeriod(models.Model):
    """A period of reduced work capacity with its degree (25/50/75/100 %)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="periods", verbose_name=_("certificate")
    )
    degree = models.PositiveSmallIntegerField(_("degree"), choices=Degree.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    class Meta:
        ordering = ["certificate", "start", "id"]
        verbose_name = _("sick-leave period")
        verbose_name_plural = _("sick-leave periods")
        constraints = [
            models.CheckConstraint(
                name="certificateperiod_end_not_before_start", condition=models.Q(end__gte=models.F("start"))
            ),
            models.CheckConstraint(
                name="certificateperiod_degree_valid", condition=models.Q(degree__in=[25, 50, 75, 100])
            ),
        ]
        indexes = [models.Index(fields=["start", "end"], name="certperiod_dates_idx")]

    def __str__(self) -> str:
        return f"{self.degree} % {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class SgiStatusValue(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    NONE = "none", _("No SGI")
    HAS = "has", _("Has SGI")


class SgiSource(models.TextChoices):
    CLIENT = "client", _("The client")
    FK = "fk", _("Försäkringskassan")
    DOCUMENTS = "documents", _("Documents (decision, payslips)")
    OTHER = "other", _("Other")


class SgiStatus(TimeStampedModel):
    """The client's SGI status. Rows are never changed: the newest row is the current status."""

    # No index of its own: sgistatus_client_latest_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="sgi_statuses", verbose_name=_("client"), db_index=False
    )
    status = models.CharField(_("SGI status"), max_length=10, choices=SgiStatusValue.choices)
    recorded_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=20, choices=SgiSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        get_latest_by = ["recorded_on", "id"]
        verbose_name = _("SGI status")
        verbose_name_plural = _("SGI statuses")
        indexes = [models.Index(fields=["client", "-recorded_on", "-id"], name="sgistatus_client_latest_idx")]

    def __str__(self) -> str:
        return f"SGI status #{self.pk}"


class UnitCertificateSettings(TimeStampedModel):
    """Per-unit settings for certificates; a unit without a row uses the defaults."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="certificate_settings", verbose_name=_("unit")
    )
    max_gap = models.PositiveSmallIntegerField(
        _("maximum gap between certificates (days)"),
        default=DEFAULT_MAX_GAP,
        help_text=_("Certificates at most this many days apart belong to one sick-leave spell (0–90)."),
    )

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")
        constraints = [
            models.CheckConstraint(
                name="unitcertificatesettings_max_gap_0_90",
                condition=models.Q(max_gap__gte=0, max_gap__lte=MAX_GAP_LIMIT),
            )
        ]

    def __str__(self) -> str:
        return f"Certificate settings for {self.unit}"
