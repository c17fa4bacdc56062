from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Municipality, Unit
from rattvag.core.concurrency import version_field
from rattvag.core.models import TimeStampedModel


class Client(TimeStampedModel):
    """A person applying for ekonomiskt bistånd (klient). One per number and municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="clients", verbose_name=_("municipality")
    )
    personal_number = models.CharField(
        _("personal identity number"), max_length=12, help_text=_("12 digits: YYYYMMDDNNNN")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    protected_identity = models.BooleanField(
        _("protected personal data"),
        default=False,
        help_text=_("Skyddade personuppgifter: name and address shown only to the case owner and the unit manager."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "personal_number"], name="client_unique_number_per_municipality"
            ),
            models.CheckConstraint(
                name="client_personal_number_12_digits",
                condition=models.Q(personal_number__regex=r"^[0-9]{12}$"),
            ),
        ]

    def __str__(self) -> str:
        # Deliberately no name or number: __str__ ends up in logs and admin messages.
        return f"Client #{self.pk}"

    @property
    def personal_number_display(self) -> str:
        return f"{self.personal_number[:8]}-{self.personal_number[8:]}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sickness benefit (SGI found)")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sickness compensation (sjukersättning)")
    ACTIVITY_COMPENSATION = "activity_compensation", _("Activity compensation (aktivitetsersättning)")
    OTHER_SUPPORT = "other_support", _("Other support")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


class Case(TimeStampedModel):
    """A case (ärende): one client in one unit, from opening to an outcome."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="cases", verbose_name=_("client"))
    # No index of its own: case_unit_status_idx starts with it.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit"), db_index=False
    )
    opened_on = models.DateField(_("opened on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_cases",
        verbose_name=_("responsible caseworker"),
    )
    nurses = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="nurse_cases", verbose_name=_("assigned nurses")
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_outcome_and_date",
                condition=(
                    models.Q(status="open", outcome="", closed_on__isnull=True)
                    | models.Q(status="closed", closed_on__isnull=False) & ~models.Q(outcome="")
                ),
            ),
            models.CheckConstraint(
                name="case_closed_not_before_opened",
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="case_unit_status_idx")]

    def __str__(self) -> str:
        return f"Case #{self.pk}"


class AccessGrant(models.Model):
    """Temporary access with a stated reason (break-the-glass), valid for the working day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants", verbose_name=_("user")
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("client"))
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("temporary access")
        verbose_name_plural = _("temporary accesses")
        indexes = [models.Index(fields=["user", "expires_at"], name="accessgrant_user_expiry_idx")]

    def __str__(self) -> str:
        return f"Access grant #{self.pk}"
