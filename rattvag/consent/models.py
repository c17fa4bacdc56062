"""Consents, case consultations with Försäkringskassan and questions to healthcare.

A consent is a record the whole system obeys (see checks.py). It is never edited: it is
withdrawn, or replaced by a new consent, and the old one stays in the history.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner, PartnerKind, Unit
from rattvag.clients.models import Case, Client
from rattvag.core.concurrency import version_field
from rattvag.core.models import TimeStampedModel

from .storage import private_storage


class ConsentPurpose(models.TextChoices):
    CONTACT_HEALTHCARE = "contact_healthcare", _("Contact healthcare")
    OBTAIN_JOURNAL = "obtain_journal", _("Obtain journal information")
    SHARE_FK = "share_fk", _("Share with Försäkringskassan")
    SHARE_AF_AME = "share_af_ame", _("Share with Arbetsförmedlingen or AME")
    SIP = "sip", _("Coordinated individual plan (SIP)")
    WORK_CAPACITY_ASSESSMENT = "work_capacity_assessment", _("Work-capacity assessment")
    FK_CONSULTATION = "fk_consultation", _("Case consultation with Försäkringskassan")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class WithdrawalForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")
    REPLACED = "replaced", _("Replaced by a new consent")


class ConsentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REPLACED = "replaced", _("Replaced")


def consent_document_path(instance: Consent, filename: str) -> str:
    # No names in file names: a random name and the checked extension only.
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"consent/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


def consent_ends_on(
    *,
    valid_until: datetime.date | None,
    until_case_closes: bool,
    case_closed_on: datetime.date | None,
    withdrawn_on: datetime.date | None,
) -> datetime.date | None:
    """The last day a consent is valid (None: while its case is open). Plain values, so that the method rules,
    which read consents as rows, decide as the model does."""
    last = valid_until
    if until_case_closes and case_closed_on is not None:
        last = case_closed_on - datetime.timedelta(days=1)
    if withdrawn_on is not None:
        day_before = withdrawn_on - datetime.timedelta(days=1)
        last = day_before if last is None else min(last, day_before)
    return last


def consent_status(
    *,
    day: datetime.date,
    given_on: datetime.date,
    valid_until: datetime.date | None,
    until_case_closes: bool,
    case_closed_on: datetime.date | None,
    withdrawn_on: datetime.date | None,
    withdrawn_how: str = "",
) -> ConsentStatus:
    """Valid on ``day``, or why not. Mirrors checks.valid_consents(), which is the one used for decisions."""
    if withdrawn_on is not None and withdrawn_on <= day:
        return ConsentStatus.REPLACED if withdrawn_how == WithdrawalForm.REPLACED else ConsentStatus.WITHDRAWN
    if given_on > day:
        return ConsentStatus.NOT_YET_VALID
    if until_case_closes:
        if case_closed_on is not None and case_closed_on <= day:
            return ConsentStatus.EXPIRED
    elif valid_until is None or valid_until < day:
        return ConsentStatus.EXPIRED
    return ConsentStatus.VALID


class Consent(TimeStampedModel):
    """The client's consent to contact, request from or share with a partner for given purposes."""

    # No index of its own: consent_client_given_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client"), db_index=False
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("partner organisation"),
    )
    partner_kind = models.CharField(
        _("kind of partner"),
        max_length=20,
        choices=PartnerKind.choices,
        blank=True,
        help_text=_("Instead of one organisation: every partner organisation of this kind."),
    )
    form = models.CharField(_("how given"), max_length=10, choices=ConsentForm.choices)
    witnessed_by = models.CharField(
        _("witnessed by"), max_length=200, blank=True, help_text=_("For an oral consent: who heard it besides you.")
    )
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    until_case_closes = models.BooleanField(_("valid until the case closes"), default=False)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="consents", verbose_name=_("case")
    )
    document = models.FileField(
        _("scanned document"), storage=private_storage, upload_to=consent_document_path, blank=True, max_length=200
    )
    document_content_type = models.CharField(_("document type"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_how = models.CharField(_("withdrawn how"), max_length=10, choices=WithdrawalForm.choices, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    version = version_field()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="consent_partner_or_kind",
                condition=(
                    models.Q(partner__isnull=False, partner_kind="")
                    | models.Q(partner__isnull=True) & ~models.Q(partner_kind="")
                ),
            ),
            models.CheckConstraint(
                name="consent_validity_defined",
                condition=(
                    models.Q(until_case_closes=False, valid_until__isnull=False)
                    | models.Q(until_case_closes=True, case__isnull=False, valid_until__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="consent_valid_until_not_before_given",
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("given_on")),
            ),
            models.CheckConstraint(
                name="consent_withdrawal_complete",
                condition=(
                    models.Q(withdrawn_on__isnull=True, withdrawn_how="")
                    | models.Q(withdrawn_on__isnull=False) & ~models.Q(withdrawn_how="")
                ),
            ),
            models.CheckConstraint(
                name="consent_withdrawn_not_before_given",
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
            ),
            models.CheckConstraint(
                name="consent_oral_is_witnessed",
                condition=~models.Q(form="oral") | ~models.Q(witnessed_by=""),
            ),
        ]
        indexes = [
            models.Index(fields=["client", "given_on"], name="consent_client_given_idx"),
            models.Index(fields=["partner", "withdrawn_on"], name="consent_partner_withdrawn_idx"),
            models.Index(fields=["partner_kind", "withdrawn_on"], name="consent_kind_withdrawn_idx"),
        ]

    def __str__(self) -> str:
        return f"Consent #{self.pk}"

    @property
    def purposes(self) -> list[str]:
        """Purpose codes in the order of ConsentPurpose (uses prefetched grants when present)."""
        codes = {grant.purpose for grant in self.purpose_grants.all()}
        return [code for code in ConsentPurpose.values if code in codes]

    @property
    def purpose_labels(self) -> list[str]:
        return [str(ConsentPurpose(code).label) for code in self.purposes]

    @property
    def recipient_label(self) -> str:
        if self.partner is not None:
            return self.partner.name
        return str(_("Any: %(kind)s") % {"kind": PartnerKind(self.partner_kind).label})

    def ends_on(self) -> datetime.date | None:
        """The last day the consent is valid (None: while the case is open)."""
        return consent_ends_on(
            valid_until=self.valid_until,
            until_case_closes=self.until_case_closes,
            case_closed_on=self.case.closed_on if self.case is not None else None,
            withdrawn_on=self.withdrawn_on,
        )

    def status_on(self, day: datetime.date | None = None) -> ConsentStatus:
        """Valid, or why not (``consent_status``)."""
        return consent_status(
            day=day or timezone.localdate(),
            given_on=self.given_on,
            valid_until=self.valid_until,
            until_case_closes=self.until_case_closes,
            case_closed_on=self.case.closed_on if self.case is not None else None,
            withdrawn_on=self.withdrawn_on,
            withdrawn_how=self.withdrawn_how,
        )

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        return self.status_on(day) == ConsentStatus.VALID

    @property
    def status(self) -> ConsentStatus:
        """The status today."""
        return self.status_on()

    @property
    def is_ended(self) -> bool:
        return self.withdrawn_on is not None


class ConsentPurposeGrant(models.Model):
    """One purpose a consent covers (a small table so that queries work alike on SQLite and PostgreSQL)."""

    # No index of its own: consent_purpose_unique starts with it.
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="purpose_grants", verbose_name=_("consent"), db_index=False
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)

    class Meta:
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        constraints = [
            models.UniqueConstraint(fields=["consent", "purpose"], name="consent_purpose_unique"),
        ]
        indexes = [models.Index(fields=["purpose", "consent"], name="consent_purpose_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} (consent #{self.consent_id})"


# --- case consultation with Försäkringskassan (metodhandledning) -----------------------------


class AgeBand(models.TextChoices):
    UNDER_25 = "18-24", "18–24"
    FROM_25 = "25-29", "25–29"
    FROM_30 = "30-39", "30–39"
    FROM_40 = "40-49", "40–49"
    FROM_50 = "50-59", "50–59"
    FROM_60 = "60-", _("60 or older")


class Consultation(TimeStampedModel):
    """A case consultation session with an FK officer (metodhandledning)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("unit"))
    held_on = models.DateField(_("date"))
    fk_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fk_consultations",
        verbose_name=_("Försäkringskassan officer"),
    )
    caseworkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="consultations_attended",
        verbose_name=_("caseworkers present"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("case consultation")
        verbose_name_plural = _("case consultations")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"], name="consultation_unit_date_idx")]

    def __str__(self) -> str:
        return f"Consultation #{self.pk}"


class ConsultationCase(TimeStampedModel):
    """One case raised in a consultation: identified under consent, otherwise a pseudonymous summary."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="cases", verbose_name=_("case consultation")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultation_cases",
        verbose_name=_("client"),
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="consultation_cases",
        verbose_name=_("consent"),
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    diagnosis_chapter = models.CharField(
        _("diagnosis chapter"), max_length=60, blank=True, help_text=_("ICD-10 chapter or letter, e.g. F or V.")
    )
    sick_leave_days = models.PositiveIntegerField(_("sick-leave length in days"), null=True, blank=True)
    question = models.TextField(_("question"))
    advice = models.TextField(_("advice given"), blank=True)
    follow_up = models.TextField(_("follow-up actions"), blank=True)
    pseudonym_key = models.CharField(
        _("pseudonym key"),
        max_length=40,
        blank=True,
        help_text=_("Optional: the same key for the same person when raised again, so that it counts once."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    version = version_field()  # the advice is edited in place, by the FK officer or the unit's staff

    class Meta:
        verbose_name = _("consultation case")
        verbose_name_plural = _("consultation cases")
        ordering = ["consultation", "id"]
        constraints = [
            models.CheckConstraint(
                name="consultation_case_identified_or_pseudonymous",
                condition=(
                    models.Q(client__isnull=False, consent__isnull=False, pseudonym_key="")
                    | models.Q(client__isnull=True, consent__isnull=True) & ~models.Q(age_band="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation case #{self.pk}"

    @property
    def identified(self) -> bool:
        return self.client_id is not None


# --- the communication form to healthcare (kommunikationsverktyg) -----------------------------


class HealthcareQuestion(TimeStampedModel):
    """A question in the catalogue the caseworker picks from; maintained in the admin."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("question to healthcare")
        verbose_name_plural = _("questions to healthcare")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "sv").startswith("en") else self.text_sv


class HealthcareRequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent, waiting for an answer")
    ANSWERED = "answered", _("Answered")


class HealthcareRequest(TimeStampedModel):
    """Questions to a care unit, as a letter, tracked until answered."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="healthcare_requests", verbose_name=_("client")
    )
    care_unit = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="healthcare_requests",
        limit_choices_to={"kind": PartnerKind.CARE_UNIT},
        verbose_name=_("care unit"),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.RESTRICT, related_name="healthcare_requests", verbose_name=_("consent")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sent from unit")
    )
    questions: models.ManyToManyField[HealthcareQuestion, HealthcareRequestQuestion] = models.ManyToManyField(
        HealthcareQuestion, through="HealthcareRequestQuestion", related_name="+", verbose_name=_("questions")
    )
    free_text = models.TextField(_("other questions or information"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HealthcareRequestStatus.choices, default=HealthcareRequestStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(_("reminder after (days)"), default=21)
    remind_on = models.DateField(_("reminder on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_summary = models.TextField(_("summary of the answer"), blank=True)

    class Meta:
        verbose_name = _("questions to healthcare")
        verbose_name_plural = _("questions to healthcare")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="healthcare_request_status_dates",
                condition=(
                    models.Q(status="draft", sent_on__isnull=True, answered_on__isnull=True)
                    | models.Q(status="sent", sent_on__isnull=False, remind_on__isnull=False, answered_on__isnull=True)
                    | models.Q(status="answered", sent_on__isnull=False, answered_on__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="healthcare_request_reminder_days_range",
                condition=models.Q(reminder_after_days__gte=1, reminder_after_days__lte=180),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "remind_on"], name="healthcare_req_status_rem_idx"),
            models.Index(fields=["care_unit", "status"], name="healthcare_req_unit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Healthcare request #{self.pk}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == HealthcareRequestStatus.SENT and self.remind_on is not None and self.remind_on <= today


class HealthcareRequestQuestion(models.Model):
    """A question as asked: the Swedish text is kept so the letter stays as sent if the catalogue changes."""

    # No index of its own: healthcare_request_question_unique starts with it.
    request = models.ForeignKey(
        HealthcareRequest,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("questions to healthcare"),
        db_index=False,
    )
    question = models.ForeignKey(
        HealthcareQuestion, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text as asked"))

    class Meta:
        verbose_name = _("question asked")
        verbose_name_plural = _("questions asked")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "question"], name="healthcare_request_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} in request #{self.request_id}"
