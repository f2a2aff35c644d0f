"""The new-resident form: every field checked with a message on that field (Chinese through the catalogs),
then the record as the JSON API's request body (registry.records.models.ResidentCreate)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from geo.core.errors import Conflict, HongyanError, InvalidInput, PermissionDenied
from registry.accounts.roles import check_phone
from registry.personal import id_check_digit, normalise_id, validate_id_number
from registry.records.history import as_text
from registry.records.models import ResidentCreate, ResidentFields
from registry.records.validate import MAX_AGE, MIN_AGE, age_on
from web_map.pages import labels
from web_map.pages.forms import Problem, Problems, problem, text
from web_map.pages.i18n import N_

FIELD_LABELS = {
    "name": N_("Name"),
    "id_number": N_("ID number"),
    "phone": N_("Mobile number"),
    "village_code": N_("Village"),
    "household_address": N_("Household address"),
    "education": N_("Education"),
    "status": N_("Employment status"),
    "occupation_code": N_("Trade (occupation code)"),
    "employer": N_("Employer"),
    "work_place": N_("Work place"),
    "work_city": N_("City of work"),
    "income_band": N_("Monthly income"),
    "wish_to_return": N_("Wishes to return home"),
    "return_date": N_("Return date"),
    "skills": N_("Skills"),
    "training_wishes": N_("Training wishes"),
    "lon": N_("Location"),
    "effective_date": N_("Date the change took effect"),
}
TEXT_LIMITS = {"name": 40, "work_city": 40, "employer": 100, "work_place": 200, "household_address": 200}
LIST_FIELDS = ("skills", "training_wishes")
MAX_ITEMS, MAX_ITEM_LEN = 20, 40
OCCUPATION = re.compile(r"^[1-8](?:-[0-9]{2}){0,3}$")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
EDITABLE = (
    "name",
    "village_code",
    "household_address",
    "education",
    "status",
    "occupation_code",
    "employer",
    "work_place",
    "work_city",
    "income_band",
    "wish_to_return",
    "return_date",
    "skills",
    "training_wishes",
)
CLEARABLE = frozenset(
    {"household_address", "education", "employer", "work_place", "income_band"}
)  # '' = none


def _id_problem(raw: str, today: date) -> Problem | None:
    if not raw:
        return problem(N_("Enter the ID number."))
    number = normalise_id(raw)
    if len(number) != 18:
        return problem(N_("An ID number has 18 characters; this one has %(count)s."), count=len(number))
    if not (number[:17].isascii() and number[:17].isdigit()) or not (
        number[17].isdigit() or number[17] == "X"
    ):
        return problem(N_("An ID number is 17 digits followed by a digit or X."))
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        return problem(
            N_("For these first 17 digits the last character must be %(expected)s: the number is mistyped."),
            expected=expected,
        )
    try:
        born, _ = validate_id_number(number)
    except InvalidInput:
        return problem(N_("The birth date in this ID number does not exist."))
    age = age_on(born, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return problem(
            N_("This person is %(age)s years old: the register holds people aged %(min)s to %(max)s."),
            age=age,
            min=MIN_AGE,
            max=MAX_AGE,
        )
    return None


def _items(value: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()]


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _choices(values: dict[str, Any], form: FormData, villages: dict[str, str], problems: Problems) -> None:
    if values["village_code"] not in villages:
        problems["village_code"] = problem(N_("Choose a village of your area."))
    if values["status"] not in labels.EMPLOYMENT:
        problems["status"] = problem(N_("Choose the employment status."))
    for name, allowed in (("education", labels.EDUCATION), ("income_band", labels.INCOME)):
        if values[name] and values[name] not in allowed:
            problems[name] = problem(N_("Choose one of the listed values."))
    wish = text(form, "wish_to_return")
    if wish not in ("", "yes", "no"):
        problems["wish_to_return"] = problem(N_("Choose one of the listed values."))
    values["wish_to_return"] = wish == "yes"


def _location(form: FormData, values: dict[str, Any], problems: Problems) -> None:
    lon, lat = text(form, "lon"), text(form, "lat")
    if not lon and not lat:
        return
    x, y = _float(lon), _float(lat)
    if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
        problems["lon"] = problem(
            N_("The location is incomplete: locate again, or clear it to use the village seat.")
        )
        return
    values |= {"lon": x, "lat": y, "datum": "gcj02" if text(form, "datum") == "gcj02" else "wgs84"}


def _values(
    form: FormData, villages: dict[str, str], today: date, *, editing: bool
) -> tuple[dict[str, Any], Problems]:
    """Every field of the form checked; when editing, an empty ID number or phone means "unchanged"."""
    problems: Problems = {}
    values: dict[str, Any] = {name: text(form, name) for name in FIELD_LABELS if name not in LIST_FIELDS}
    if not values["name"]:
        problems["name"] = problem(N_("Enter the name."))
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            problems[name] = problem(N_("At most %(count)s characters."), count=limit)
    found = None if editing and not values["id_number"] else _id_problem(values["id_number"], today)
    if found is not None:
        problems["id_number"] = found
    if values["phone"]:
        try:
            values["phone"] = check_phone(values["phone"])
        except InvalidInput:
            problems["phone"] = problem(N_("A mobile number has 11 digits and starts with 13 to 19."))
    _choices(values, form, villages, problems)
    if values["occupation_code"] and not OCCUPATION.match(values["occupation_code"]):
        problems["occupation_code"] = problem(N_("Enter an occupation code such as 6-18-01-01."))
    for name in LIST_FIELDS:
        items = _items(text(form, name))
        if len(items) > MAX_ITEMS or any(len(i) > MAX_ITEM_LEN for i in items):
            problems[name] = problem(
                N_("At most %(items)s entries of at most %(count)s characters each."),
                items=MAX_ITEMS,
                count=MAX_ITEM_LEN,
            )
        values[name] = items
    for name in ("return_date", "effective_date") if editing else ("return_date",):
        raw = text(form, name)
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems[name] = problem(N_("Enter a date such as 2026-03-01."))
    _location(form, values, problems)
    return values, problems


def _model(model: type[ResidentFields], given: dict[str, Any]) -> tuple[ResidentFields | None, Problems]:
    try:
        return model(**given), {}
    except ValidationError as exc:
        return None, {str(e["loc"][0]): problem(N_("Check this field.")) for e in exc.errors()}


def parse_resident(
    form: FormData, villages: dict[str, str], *, today: date | None = None
) -> tuple[ResidentCreate | None, Problems]:
    """The record the form states, or None and the problems found (field → message)."""
    values, problems = _values(form, villages, today or date.today(), editing=False)
    if problems:
        return None, problems
    body, problems = _model(ResidentCreate, {k: v for k, v in values.items() if v not in ("", None)})
    assert body is None or isinstance(body, ResidentCreate)
    return body, problems


def _same(a: Any, b: Any) -> bool:
    return (as_text(a) or "") == (as_text(b) or "")


def parse_changes(
    form: FormData, villages: dict[str, str], current: dict[str, Any], *, today: date | None = None
) -> tuple[ResidentFields | None, Problems]:
    """The fields the edit form changes against ``current`` (the record as resident_detail shows it), with the
    date the change took effect; the village only when it changes (a new village moves the home to its seat)."""
    values, problems = _values(form, villages, today or date.today(), editing=True)
    if problems:
        return None, problems
    changed: dict[str, Any] = {
        name: values[name] if values[name] != "" or name in CLEARABLE else None
        for name in EDITABLE
        if not _same(values[name], current.get(name))
    }
    for name in ("id_number", "phone"):  # shown masked: typed again only to change them
        if values[name]:
            changed[name] = values[name]
    if "lon" in values and values.get("lat") is not None:
        changed |= {"lon": values["lon"], "lat": values["lat"], "datum": values["datum"]}
    if values["effective_date"] is not None:
        changed["effective_date"] = values["effective_date"]
    return _model(ResidentFields, changed)


def refusal_problems(exc: HongyanError) -> Problems:
    """What a service's refusal of the record means on the form (the checks above catch most first)."""
    if isinstance(exc, Conflict):
        return {
            "id_number": problem(
                N_("This person is already registered. Find the record instead of recording it again.")
            )
        }
    if isinstance(exc, PermissionDenied):
        return {"village_code": problem(N_("Choose a village of your area."))}
    field = exc.field if isinstance(exc, InvalidInput) and exc.field in FIELD_LABELS else "name"
    messages = {
        "occupation_code": N_("This occupation code is not in the 2022 classification."),
        "lon": N_("This location is outside the chosen village: check the village, or clear the location."),
        "village_code": N_("Choose a village of your area."),
    }
    return {field: problem(messages.get(field, N_("Check this field.")))}
