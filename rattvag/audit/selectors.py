"""Reads for the log review. Which clients a manager sees comes from rattvag.clients.access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from rattvag.accounts.models import Role, User
from rattvag.clients.access import ClientAccess, client_access, visible_clients
from rattvag.clients.models import AccessGrant, Client
from rattvag.clients.personal_numbers import parse_personal_number
from rattvag.clients.selectors import client_ids_with_visible_protected_identity

from .actions import action_label
from .models import AuditEvent, AuditReview
from .scope import FLAGGED, events_in_review_scope, is_log_reviewer, users_of_units_of

_ROW_RELATIONS = ("actor", "acting_unit", "acting_partner", "review", "review__reviewed_by")


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    colour: str  # a GOV.UK tag modifier


@dataclass(frozen=True)
class ClientRef:
    """A client as the log review may show it: the name only where the viewer may see it."""

    client_id: int
    visible: bool
    name: str | None

    @property
    def url(self) -> str | None:
        """The client's page, for a client the viewer may see."""
        if not self.visible:
            return None
        try:
            return reverse("clients:detail", args=[self.client_id])
        except NoReverseMatch:  # the client pages are not installed
            return None

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.visible:
            return _("Protected personal data (client %(id)s)") % {"id": self.client_id}
        return _("Client %(id)s") % {"id": self.client_id}


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action_label: str
    role_label: str
    actor_name: str
    actor_in_scope: bool
    acting_for: str
    client: ClientRef | None
    flags: list[Flag]
    review: AuditReview | None
    in_scope: bool  # the viewer follows up this event: its page opens
    reviewable: bool  # ... and may mark it reviewed now


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def user_display_name(user: User | None) -> str:
    if user is None:
        return _("The system")
    return user.get_full_name() or user.username


def acting_for_label(event: AuditEvent) -> str:
    if event.acting_unit is not None:
        return event.acting_unit.name
    if event.acting_partner is not None:
        return event.acting_partner.name
    return ""


def event_flags(event: AuditEvent) -> list[Flag]:
    flags = []
    if event.break_glass:
        flags.append(Flag("break_glass", _("Temporary access"), "red"))
    if event.outside_units:
        flags.append(Flag("outside_units", _("Outside own units"), "orange"))
    if event.outside_hours:
        flags.append(Flag("outside_hours", _("Outside office hours"), "yellow"))
    return flags


def _with_row_relations(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related(*_ROW_RELATIONS).order_by("-occurred_at", "-id")


def flagged_events_for(*, manager: User, unreviewed_only: bool = False) -> QuerySet[AuditEvent]:
    """Flagged accesses the manager follows up, newest first; the manager's own are reviewed by others."""
    events = events_in_review_scope(manager).filter(FLAGGED).exclude(actor=manager)
    if unreviewed_only:
        events = events.filter(review__isnull=True)
    return _with_row_relations(events)


def client_events(*, client_id: int) -> QuerySet[AuditEvent]:
    """Every event about one client. Callers first check that the viewer may see the client."""
    return _with_row_relations(AuditEvent.objects.filter(client_id=client_id))


def user_events(*, user_id: int) -> QuerySet[AuditEvent]:
    """Every event by one user. Callers first check that the user is in the viewer's units."""
    return _with_row_relations(AuditEvent.objects.filter(actor_id=user_id))


def client_refs(*, viewer: User, client_ids: Sequence[int | None]) -> dict[int, ClientRef]:
    """How each client may be shown to the viewer: visibility of all of them in one query.

    Names of clients with protected personal data follow the access module's rule, for the whole
    page in one more query.
    """
    ids = {client_id for client_id in client_ids if client_id is not None}
    if not ids:
        return {}
    refs = {client_id: ClientRef(client_id, visible=False, name=None) for client_id in ids}
    visible = list(
        visible_clients(viewer).filter(pk__in=ids).only("pk", "first_name", "last_name", "protected_identity")
    )
    protected = [client.pk for client in visible if client.protected_identity]
    names_allowed = (
        client_ids_with_visible_protected_identity(user=viewer, client_ids=protected) if protected else set()
    )
    for client in visible:
        shows_name = not client.protected_identity or client.pk in names_allowed
        refs[client.pk] = ClientRef(client.pk, visible=True, name=client.full_name if shows_name else None)
    return refs


def event_rows(*, viewer: User, events: Sequence[AuditEvent]) -> list[EventRow]:
    """Rows for the review tables; a fixed number of queries whatever the number of events."""
    refs = client_refs(viewer=viewer, client_ids=[event.client_id for event in events])
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    staff_ids = (
        set(users_of_units_of(viewer).filter(pk__in=actor_ids).values_list("pk", flat=True)) if actor_ids else set()
    )
    in_scope = (
        set(events_in_review_scope(viewer).filter(pk__in=[e.pk for e in events]).values_list("pk", flat=True))
        if events
        else set()
    )
    rows = []
    for event in events:
        try:
            review: AuditReview | None = event.review
        except AuditReview.DoesNotExist:
            review = None
        rows.append(
            EventRow(
                event=event,
                action_label=action_label(event.action),
                role_label=role_label(event.actor_role),
                actor_name=user_display_name(event.actor),
                actor_in_scope=event.actor_id in staff_ids,
                acting_for=acting_for_label(event),
                client=refs.get(event.client_id) if event.client_id is not None else None,
                flags=event_flags(event),
                review=review,
                in_scope=event.pk in in_scope,
                reviewable=event.pk in in_scope and event.actor_id != viewer.pk and review is None,
            )
        )
    return rows


def named_client_ids(rows: Sequence[EventRow]) -> list[int]:
    """The clients whose names a page showed: each one is an audited read."""
    return sorted({row.client.client_id for row in rows if row.client is not None and row.client.name})


def client_for_log(*, viewer: User, client_id: int) -> tuple[Client, ClientAccess] | None:
    """The client whose access log the viewer asks for, if they may see the client."""
    if not is_log_reviewer(viewer):
        return None
    client = visible_clients(viewer).select_related("municipality").filter(pk=client_id).first()
    if client is None:
        return None
    access = client_access(viewer, client)
    return (client, access) if access is not None else None


def clients_by_personal_number(*, viewer: User, personal_number: str) -> list[Client]:
    """Visible clients with this number (one per municipality). Raises ValidationError for a bad number."""
    number = parse_personal_number(personal_number).normalised
    if not is_log_reviewer(viewer):
        return []
    return list(visible_clients(viewer).filter(personal_number=number).select_related("municipality").order_by("pk"))


def staff_for_review(*, manager: User) -> QuerySet[User]:
    return users_of_units_of(manager).order_by("last_name", "first_name", "username")


def staff_member_for_review(*, manager: User, user_id: int) -> User | None:
    return users_of_units_of(manager).filter(pk=user_id).first()


def event_for_review(*, manager: User, event_id: int) -> AuditEvent | None:
    return events_in_review_scope(manager).select_related(*_ROW_RELATIONS).filter(pk=event_id).first()


def temporary_access_reason(*, event: AuditEvent) -> str | None:
    """The reason the user gave for the temporary access behind a flagged event (for the reviewer)."""
    if not event.break_glass or event.actor_id is None or event.client_id is None:
        return None
    if event.object_type == AccessGrant._meta.label_lower and event.object_id.isdigit():
        grant = AccessGrant.objects.filter(pk=int(event.object_id)).only("reason").first()
    else:
        grant = (
            AccessGrant.objects.filter(
                user_id=event.actor_id,
                client_id=event.client_id,
                granted_at__lte=event.occurred_at,
                expires_at__gte=event.occurred_at,
            )
            .only("reason")
            .order_by("-granted_at")
            .first()
        )
    return grant.reason if grant is not None else None
