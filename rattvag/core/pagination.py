"""What the shared pagination template (core/_pagination.html) needs of a page of a list."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page


def pagination_context(page: Page[Any]) -> dict[str, Any]:
    """The page, and the page numbers its links show: the ends and two either side, ellipses between."""
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {"page_obj": page, "page_range": list(page_range), "ellipsis": page.paginator.ELLIPSIS}
