"""稳岗就业政策 The public policies page (no login): search by Chinese words and category; htmx swaps in only the
results. The same service as GET /api/v1/policies, in the same kind of transaction (the app role, RLS-bound)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from geo.core.errors import InvalidInput
from registry.policies.models import CATEGORIES
from registry.policies.store import category_counts, search_policies
from web_map.pages.errors import is_htmx
from web_map.pages.session import PageConnection
from web_map.pages.templating import pages_of

router = APIRouter(include_in_schema=False)
LIMIT = 100


@router.get("/policies")
def policies_page(
    request: Request,
    conn: PageConnection,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The search form and the policies that match (all of them when nothing is asked)."""
    chosen = category if category in CATEGORIES else None
    refused = ""
    try:
        hits = search_policies(conn, q, category=chosen, limit=LIMIT)
    except InvalidInput as exc:  # a search over 100 characters
        hits, refused = [], exc.message
    context = {
        "q": q,
        "category": chosen or "",
        "categories": category_counts(conn),
        "policies": [h.policy for h in hits],
        "refused": refused,
    }
    name = "policies/_results.html" if is_htmx(request) else "policies/page.html"
    return pages_of(request).render(request, name, context)
