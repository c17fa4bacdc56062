from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from rattvag.core.models import TimeStampedModel


class Municipality(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """An ekonomiskt bistånd unit or city district; a unit owns cases."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="units", verbose_name=_("municipality")
    )

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    FK = "fk", _("Försäkringskassan office")
    CARE_UNIT = "care_unit", _("Care unit (vårdcentral)")
    AF = "af", _("Arbetsförmedlingen office")
    AME = "ame", _("Municipal labour-market unit (AME/AMC)")
    OTHER = "other", _("Other")


class Partner(TimeStampedModel):
    """A partner organisation outside the social services (samverkanspart)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    NURSE = "nurse", _("Nurse")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    ANALYST = "analyst", _("Analyst")
    PARTNER_OFFICER = "partner_officer", _("Partner officer")
    AGGREGATE_VIEWER = "aggregate_viewer", _("Aggregate viewer")
    ADMIN = "admin", _("Administrator")


# Roles whose work needs individual client data. They must use two-factor login.
ROLES_WITH_INDIVIDUAL_DATA = frozenset(
    {Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER, Role.PARTNER_OFFICER, Role.ADMIN}
)
# Staff of a unit (as opposed to partner officers and statistics roles).
UNIT_STAFF_ROLES = frozenset({Role.CASEWORKER, Role.NURSE, Role.UNIT_MANAGER})


class User(AbstractUser):
    """A person who logs in. Works for units of a municipality or for one partner organisation."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CASEWORKER)
    units = models.ManyToManyField(Unit, blank=True, related_name="users", verbose_name=_("units"))
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("partner organisation"),
    )
    is_demo = models.BooleanField(
        _("demo user"), default=False, help_text=_("Demo users may skip two-factor login while DEBUG is on.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_partner_only_for_partner_officers",
                condition=models.Q(partner__isnull=True) | models.Q(role="partner_officer"),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def needs_two_factor(self) -> bool:
        return self.role in ROLES_WITH_INDIVIDUAL_DATA


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("First characters, to recognise a token."))
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
