from .meetings import (
    action_add,
    action_done,
    invitation,
    invitation_pdf,
    meeting_detail,
    meeting_edit,
    meeting_list,
    meeting_new,
    participant_add,
    participant_remove,
)
from .sip import sip_detail, sip_edit, sip_end, sip_version, sip_version_pdf

__all__ = [
    "action_add",
    "action_done",
    "invitation",
    "invitation_pdf",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "meeting_new",
    "participant_add",
    "participant_remove",
    "sip_detail",
    "sip_edit",
    "sip_end",
    "sip_version",
    "sip_version_pdf",
]
