"""The worklist in the API: the current user's due and overdue items.

Caseworkers get the items of their own open cases, unit managers those of their units; every
other role gets 404, as on the page. Every client in the answer is audited as `client.listed`.
Without `page` the answer holds every item (thousands for a region's unit manager); with it, one page of
`page_size` items, the number of all items in the `X-Total-Count` header.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from rattvag.api.auth import request_user
from rattvag.api.errors import error_responses

from . import selectors

router = Router(tags=["worklist"])


class WorklistItemOut(Schema):
    rule: str = Field(description="The method rule's code, e.g. `active_plan`.")
    rule_name: str = Field(description="The rule's name in the language of the request.")
    client_id: int
    case_id: int
    due_on: datetime.date = Field(description="To be done at the latest on this day.")
    overdue: bool = Field(description="True once the due day has passed (or the rule was broken).")
    title: str = Field(description="What to do, in the language of the request.")
    url: str = Field(description="The page where the step that clears the item is recorded.")


class WorklistFilter(Schema):
    rule: str = Field("", max_length=60, description="Only the items of this rule (its code).")
    page: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="Opt in to pages: this page (from 1) of `page_size` items; past the last page, an empty list. "
        "The `X-Total-Count` header holds the number of all items. Without it, every item.",
    )
    page_size: int = Field(100, ge=1, le=1000, description="Items per page (with `page`).")


@router.get("/worklist", response={200: list[WorklistItemOut], **error_responses(401, 404, 422)})
def get_worklist(
    request: HttpRequest, response: HttpResponse, filters: Query[WorklistFilter]
) -> list[dict[str, object]]:
    """The current user's due and overdue items across their open cases, by due date (all, or one page)."""
    user = request_user(request)
    if filters.page is None:
        items = selectors.worklist_for(user=user, rule_code=filters.rule, via="api").items
    else:
        start = (filters.page - 1) * filters.page_size
        worklist, items = selectors.worklist_slice_for(
            user=user, rule_code=filters.rule, start=start, stop=start + filters.page_size, via="api"
        )
        response["X-Total-Count"] = str(len(worklist.items))
    return [
        {
            "rule": item.rule.code,
            "rule_name": item.rule.name,
            "client_id": item.client_id,
            "case_id": item.case.pk,
            "due_on": item.due_on,
            "overdue": item.overdue,
            "title": item.title,
            "url": request.build_absolute_uri(item.url),
        }
        for item in items
    ]
