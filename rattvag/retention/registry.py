"""Every kind of record the system holds about a client, in one list.

The retention command (gallring) and the register extract both walk this list, so a new model that
holds something about a client must be added here: `tests/test_registry.py` fails for any model with a
foreign key to a client, a case or a model listed here that is missing.

Each entry names the model, the ORM path from it to the client and, for records that belong to one
case, the path to that case. The *entry times* are the fields whose newest value is "the last entry"
(SoL 12 kap. 1 §): by default `created_at` and `updated_at` where the model has them. Records that are
not entries in the client's file (a temporary access, a sent reminder) list none.
`hidden` fields are never shown in an extract (secrets such as token digests and pseudonym keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models

DEFAULT_ENTRY_TIMES = ("created_at", "updated_at")


@dataclass(frozen=True)
class HeldRecord:
    label: str  # "app_label.ModelName"
    client: str  # ORM path from the model to the client; "" for the client itself
    case: str | None = None  # ORM path to the case the record belongs to, if it belongs to one
    entry_times: tuple[str, ...] | None = None  # None: created_at/updated_at where present
    hidden: tuple[str, ...] = ()

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def client_lookup(self) -> str:
        """The lookup that filters this model by client id (`pk` for the client itself)."""
        return self.client or "pk"

    def times(self) -> tuple[str, ...]:
        if self.entry_times is not None:
            return self.entry_times
        names = {field.name for field in self.model._meta.concrete_fields}
        return tuple(name for name in DEFAULT_ENTRY_TIMES if name in names)


REGISTRY: tuple[HeldRecord, ...] = (
    # clients
    HeldRecord("clients.Client", client=""),
    HeldRecord("clients.Case", client="client", case="pk", entry_times=("created_at", "updated_at", "closed_on")),
    # A temporary access is a read of the file, not an entry in it.
    HeldRecord("clients.AccessGrant", client="client", entry_times=()),
    # certificates
    HeldRecord("certificates.Certificate", client="client", case="case"),
    HeldRecord("certificates.Diagnosis", client="certificate__client", case="certificate__case"),
    HeldRecord("certificates.CertificatePeriod", client="certificate__client", case="certificate__case"),
    HeldRecord("certificates.SgiStatus", client="client"),
    # consent, healthcare requests, consultations
    HeldRecord("consent.Consent", client="client", case="case"),
    HeldRecord("consent.ConsentPurposeGrant", client="consent__client", case="consent__case"),
    HeldRecord("consent.HealthcareRequest", client="client", case="consent__case"),
    HeldRecord("consent.HealthcareRequestQuestion", client="request__client", case="request__consent__case"),
    HeldRecord("consent.ConsultationCase", client="client", case="consent__case", hidden=("pseudonym_key",)),
    # meetings and the SIP
    HeldRecord("meetings.Meeting", client="client", case="case"),
    HeldRecord("meetings.MeetingParticipant", client="meeting__client", case="meeting__case"),
    HeldRecord("meetings.AgreedAction", client="meeting__client", case="meeting__case"),
    HeldRecord("meetings.Sip", client="client", case="case"),
    HeldRecord("meetings.SipVersion", client="sip__client", case="sip__case"),
    # plans and activities
    HeldRecord("plans.Plan", client="client", case="case"),
    HeldRecord("plans.PlanVersion", client="plan__client", case="plan__case"),
    HeldRecord("plans.Activity", client="client", case="case"),
    # follow-up: a reminder e-mail about a case is not an entry in the file
    HeldRecord("followup.ReminderSent", client="case__client", case="case", entry_times=()),
    # outcomes: ladder, questionnaires
    HeldRecord("outcomes.LadderAssessment", client="client", case="case"),
    HeldRecord("outcomes.QuestionnaireResponse", client="client", case="case"),
    HeldRecord("outcomes.Answer", client="response__client", case="response__case"),
    HeldRecord("outcomes.TabletCode", client="client", case="case", entry_times=(), hidden=("digest",)),
)


def held_records() -> tuple[HeldRecord, ...]:
    """The entries whose app is installed (a deployment may leave an app out)."""
    return tuple(entry for entry in REGISTRY if _installed(entry.label))


def _installed(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def registered_labels() -> set[str]:
    return {entry.model._meta.label for entry in held_records()}
