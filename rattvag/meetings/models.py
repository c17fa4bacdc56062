"""Meetings in the method (mapping, three-party, SIP, follow-up) and the SIP itself.

A meeting has participants (the client, staff, partner organisations, relatives) and agreed
actions. A SIP (samordnad individuell plan) is versioned: every save adds a SipVersion; old
versions are never changed and the one with the highest number is the current one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Partner
from rattvag.clients.models import Case, Client
from rattvag.core.concurrency import version_field
from rattvag.core.models import TimeStampedModel


class MeetingKind(models.TextChoices):
    MAPPING = "mapping", _("Mapping meeting")
    THREE_PARTY = "three_party", _("Three-party meeting")
    SIP = "sip", _("SIP meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")
    OTHER = "other", _("Other meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(TimeStampedModel):
    """A meeting about one client. `status` says whether it was held; `starts_at` is when."""

    # No index of its own: meeting_client_starts_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("client"), db_index=False
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name=_("case")
    )
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    is_video = models.BooleanField(_("video meeting"), default=False)
    video_details = models.CharField(
        _("how to join the video meeting"), max_length=300, blank=True, help_text=_("A link or instructions.")
    )
    discussed = models.TextField(_("what was discussed"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    version = version_field()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
            ),
            models.CheckConstraint(
                name="meeting_place_or_video",
                condition=models.Q(is_video=True) | ~models.Q(location=""),
            ),
        ]
        indexes = [
            models.Index(fields=["client", "starts_at"], name="meeting_client_starts_idx"),
            models.Index(fields=["case", "kind", "status"], name="meeting_case_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Meeting #{self.pk}"

    @property
    def held_on(self) -> datetime.date | None:
        """The local day the meeting was held (None unless status is held)."""
        if self.status != MeetingStatus.HELD:
            return None
        return timezone.localdate(self.starts_at)

    @property
    def is_upcoming(self) -> bool:
        return self.status == MeetingStatus.PLANNED and self.starts_at >= timezone.now()


class ParticipantKind(models.TextChoices):
    CLIENT = "client", _("The client")
    STAFF = "staff", _("Staff member")
    PARTNER = "partner", _("Partner organisation")
    RELATIVE = "relative", _("Relative or other person")


class MeetingParticipant(TimeStampedModel):
    """Someone invited to a meeting: the client, a user, a partner organisation (with an optional
    person's name) or a relative (free text)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind of participant"), max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
        verbose_name=_("staff member"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
        verbose_name=_("partner organisation"),
    )
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    relation = models.CharField(_("role or relation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                name="participant_fields_match_kind",
                condition=(
                    models.Q(kind="client", user__isnull=True, partner__isnull=True)
                    | models.Q(kind="staff", user__isnull=False, partner__isnull=True)
                    | models.Q(kind="partner", user__isnull=True, partner__isnull=False)
                    | models.Q(kind="relative", user__isnull=True, partner__isnull=True) & ~models.Q(person_name="")
                ),
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=models.Q(kind="client"), name="participant_client_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_user_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Participant #{self.pk}"


class ResponsibleKind(models.TextChoices):
    USER = "user", _("Staff member")
    PARTNER = "partner", _("Partner organisation")
    CLIENT = "client", _("The client")


class AgreedAction(TimeStampedModel):
    """Something agreed at a meeting: who does it (a user, a partner organisation or the client),
    by when (`due_on`) and when it was done (`done_on`, empty while open)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agreed_actions", verbose_name=_("meeting")
    )
    description = models.TextField(_("what is to be done"))
    responsible_kind = models.CharField(_("responsible"), max_length=10, choices=ResponsibleKind.choices)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_actions",
        verbose_name=_("responsible staff member"),
    )
    responsible_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_actions",
        verbose_name=_("responsible partner organisation"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="agreed_action_responsible_matches_kind",
                condition=(
                    models.Q(responsible_kind="user", responsible_user__isnull=False, responsible_partner__isnull=True)
                    | models.Q(
                        responsible_kind="partner", responsible_user__isnull=True, responsible_partner__isnull=False
                    )
                    | models.Q(
                        responsible_kind="client", responsible_user__isnull=True, responsible_partner__isnull=True
                    )
                ),
            ),
        ]
        indexes = [models.Index(fields=["due_on", "done_on"], name="agreed_action_due_done_idx")]

    def __str__(self) -> str:
        return f"Agreed action #{self.pk}"


class Sip(TimeStampedModel):
    """A coordinated individual plan (SIP) for a client. Its content lives in SipVersion rows;
    the version with the highest number is the current one."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sips", verbose_name=_("client"))
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="sips", verbose_name=_("case")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(ended_on__isnull=True), name="sip_one_open_per_client"
            ),
        ]

    def __str__(self) -> str:
        return f"SIP #{self.pk}"


class SipVersion(models.Model):
    """One saved revision of a SIP. Never changed after it is written."""

    # No index of its own: sip_version_unique_number starts with it.
    sip = models.ForeignKey(
        Sip, on_delete=models.CASCADE, related_name="versions", verbose_name=_("SIP"), db_index=False
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sip_versions",
        verbose_name=_("SIP meeting"),
    )
    interventions_needed = models.TextField(_("interventions needed"))
    municipality_interventions = models.TextField(_("the municipality's interventions"), blank=True)
    region_interventions = models.TextField(_("the region's interventions"), blank=True)
    other_interventions = models.TextField(_("what others do (Försäkringskassan, Arbetsförmedlingen, …)"), blank=True)
    overall_responsibility = models.CharField(_("who has overall responsibility"), max_length=300)
    follow_up_on = models.DateField(_("follow-up date"))
    follow_up_how = models.TextField(_("how it is followed up"))
    client_goal = models.TextField(_("the client's own goal, in their words"))
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="sip_versions", verbose_name=_("agencies taking part")
    )
    client_agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("SIP version")
        verbose_name_plural = _("SIP versions")
        ordering = ["sip", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_version_unique_number"),
            models.CheckConstraint(name="sip_version_number_positive", condition=models.Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"SIP #{self.sip_id} v{self.number}"
