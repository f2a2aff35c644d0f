"""Which page each role may open: one table, read by the menu (shown) and by the pages themselves (403)."""

from __future__ import annotations

from dataclasses import dataclass

from registry.records.workflow import COUNTY_REVIEWERS, EDITORS
from web_map.pages.i18n import N_

STAFF = frozenset({"county_admin", "county_reviewer", "township_staff", "village_collector"})
EVERYONE = frozenset(
    {"county_admin", "county_reviewer", "township_staff", "village_collector", "enterprise_hr", "job_seeker"}
)


@dataclass(frozen=True)
class Page:
    """A page of the menu: where it is, its label (a message id) and the roles that may open it."""

    key: str
    path: str
    label: str
    roles: frozenset[str]
    hint: str = ""
    workbench: bool = True  # False: a page of the site outside the workbench (linked from the menu)


PAGES: tuple[Page, ...] = (
    Page(
        "residents",
        "/workbench/residents",
        N_("Find a resident"),
        STAFF,
        N_("By name or the last digits of the ID number; the list is masked."),
    ),
    Page(
        "resident_new",
        "/workbench/residents/new",
        N_("Record a resident"),
        EDITORS["residents"],
        N_("A new record of your area, saved as a draft or submitted for review."),
    ),
    Page(
        "my_records",
        "/workbench/my",
        N_("My drafts and returns"),
        frozenset({"village_collector"}),
        N_("What you still have to submit, and what the township sent back with its reason."),
    ),
    Page(
        "review",
        "/workbench/review",
        N_("Review queue"),
        frozenset({"township_staff"}) | COUNTY_REVIEWERS,
        N_("Approve records, or return them with a reason: one by one or several at once."),
    ),
    Page("import", "/import", N_("Spreadsheet import"), STAFF, workbench=False),
    Page("policies", "/policies", N_("Policies"), EVERYONE, workbench=False),
    Page("map", "/", N_("Job map"), EVERYONE, workbench=False),
)
BY_KEY = {page.key: page for page in PAGES}


def may_open(role: str, key: str) -> bool:
    """Whether the role may open the page ``key``."""
    return role in BY_KEY[key].roles


def menu_for(role: str) -> list[Page]:
    """The pages the role may open, in menu order."""
    return [page for page in PAGES if role in page.roles]
