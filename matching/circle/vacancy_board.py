"""Open positions held in memory by each server worker, kept current from the row change log (migration 0020).

A circle reaches up to ~1,300 sites and ~9,000 open vacancies around the county seat; joining them in SQL per
request cost PostgreSQL ~2 ms of CPU on average and 20–40 ms for the largest circles. The board holds every
open vacancy of a public enterprise sorted by site, so a circle's positions are a few array operations. It is
as current as the database: every request checks the change log since the board's snapshot in the same round
trip that checks the network version (one indexed EXISTS), and a change is read back row by row before the
request is answered, so a posted, changed or closed vacancy shows in the next circle.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Row

from matching.circle.data_version import MAX_AGE_S
from matching.circle.queries import BOARD, CHECK

I8 = npt.NDArray[np.int64]
NO_END = np.iinfo(np.int32).max
LEVELS = 4  # occupation codes: major group - middle - minor - occupation, e.g. 4-01-02-03
# the listed fields of a position, in the order the endpoint has always returned them
SHOWN = (
    "vacancy_id",
    "enterprise_id",
    "enterprise",
    "site_id",
    "title",
    "occupation_code",
    "occupation",
    "positions",
    "wage_min",
    "wage_max",
    "full_time",
    "lon",
    "lat",
)


@dataclass(frozen=True)
class JobFilters:
    """Optional filters on the positions of a circle."""

    occupation: str | None = None
    min_wage: int | None = None
    full_time: bool | None = None


@dataclass(frozen=True)
class Freshness:
    """What the request's check read: the network version, the last site id, today, sites changed since."""

    network_version: int | None
    last_site: int | None
    today: int  # days since 1970-01-01, the database's current_date
    changed_sites: frozenset[int]


@dataclass(frozen=True)
class BoardRows:
    """Open positions of public enterprises sorted by (site, vacancy); the arrays are never modified."""

    vacancy_id: I8
    site_id: I8
    enterprise_id: I8
    positions: I8
    wage: npt.NDArray[np.float64]  # coalesce(wage_max, wage_min): NaN when neither is given
    full_time: npt.NDArray[np.int8]  # 1, 0, or -1 when not stated
    valid_until: npt.NDArray[np.int32]  # days since 1970-01-01, NO_END when open-ended
    groups: npt.NDArray[np.int32]  # (LEVELS, n): the interned group of the code at each level, -1 below it
    shown: npt.NDArray[np.object_]  # the listed fields (SHOWN) as one tuple per position


@dataclass(frozen=True)
class Page:
    """The positions of one circle that pass the filters: their count and positions, and one page of them."""

    vacancy_count: int
    position_count: int
    rows: list[dict[str, Any]]


def group_path(code: str) -> list[str]:
    """The groups an occupation code belongs to, widest first: 4-01-02-03 → 4, 4-01, 4-01-02, 4-01-02-03."""
    parts = code.split("-")
    return ["-".join(parts[: i + 1]) for i in range(min(len(parts), LEVELS))]


class VacancyBoard:
    """The open positions of the county in memory, brought up to date by each request's check."""

    def __init__(self) -> None:
        self._rows: BoardRows | None = None
        self._snap = ""
        self._taken = 0.0
        self._group_ids: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the board has been read (the first circle of a worker reads it)."""
        return self._rows is not None

    def refresh(self, conn: Connection) -> tuple[BoardRows, Freshness]:
        """The current board and what the check read; one short query when nothing changed."""
        if self._rows is None or time.time() - self._taken > MAX_AGE_S:
            with self._lock:
                if self._rows is None or time.time() - self._taken > MAX_AGE_S:
                    self._read(conn, everything=True)
        rows, snap = self._rows, self._snap
        assert rows is not None
        version, last_site, today, now, changed = conn.execute(CHECK, {"snap": snap}).one()
        moved: frozenset[int] = frozenset()
        if changed:
            with self._lock:
                rows, moved = self._read(conn, everything=False)
        elif snap == self._snap:  # nothing changed up to this statement's snapshot: the board is current then
            self._snap, self._taken = now, time.time()
        return rows, Freshness(version, last_site, int(today), moved)

    def _read(self, conn: Connection, *, everything: bool) -> tuple[BoardRows, frozenset[int]]:
        """Read the board whole, or the rows changed since its snapshot merged in (called under the lock)."""
        found = conn.execute(BOARD, {"snap": self._snap or None, "all": everything}).all()
        head = found[0]
        if head.everything:  # too many changes to list, or a TRUNCATE: read it all (under a newer snapshot)
            self._read(conn, everything=True)
            assert self._rows is not None
            return self._rows, frozenset([-1]) if head.all_sites else frozenset(head.sites)
        fresh = self._build([r for r in found if r.vacancy_id is not None])
        if everything or self._rows is None:
            self._rows = fresh
        else:
            old = self._rows
            gone = (
                np.isin(old.vacancy_id, np.asarray(head.vacancies, np.int64))
                | np.isin(old.enterprise_id, np.asarray(head.enterprises, np.int64))
                | np.isin(old.site_id, np.asarray(head.sites, np.int64))
            )
            self._rows = _merged(old, ~gone, fresh)
        self._snap, self._taken = str(head.snap), time.time()
        # a bulk change of sites does not say which: -1 stands for every site
        return self._rows, frozenset([-1]) if head.all_sites else frozenset(head.sites)

    def _build(self, found: Sequence[Row[Any]]) -> BoardRows:
        n = len(found)
        vacancy_id = np.fromiter((r.vacancy_id for r in found), np.int64, n)
        site_id = np.fromiter((r.site_id for r in found), np.int64, n)
        groups = np.full((LEVELS, n), -1, np.int32)
        ids = self._group_ids
        for i, r in enumerate(found):
            for level, group in enumerate(group_path(r.occupation_code or "")):
                groups[level, i] = ids.setdefault(group, len(ids))
        wage = np.fromiter((np.nan if r.wage is None else r.wage for r in found), np.float64, n)
        shown = np.fromiter(
            (
                (
                    r.vacancy_id,
                    r.enterprise_id,
                    r.enterprise,
                    r.site_id,
                    r.title,
                    r.occupation_code,
                    r.occupation,
                    r.positions,
                    r.wage_min,
                    r.wage_max,
                    r.full_time,
                    r.lon,
                    r.lat,
                )
                for r in found
            ),
            object,
            n,
        )
        rows = BoardRows(
            vacancy_id,
            site_id,
            np.fromiter((r.enterprise_id for r in found), np.int64, n),
            np.fromiter((r.positions for r in found), np.int64, n),
            wage,
            np.fromiter((-1 if r.full_time is None else int(r.full_time) for r in found), np.int8, n),
            np.fromiter((NO_END if r.valid_until is None else r.valid_until for r in found), np.int32, n),
            groups,
            shown,
        )
        return _sorted(rows)

    def group_id(self, group: str) -> int:
        """The interned id of an occupation group, -2 for a group no position has ever had."""
        return self._group_ids.get(group, -2)

    def page(
        self,
        rows: BoardRows,
        site_ids: I8,
        costs: npt.NDArray[np.float64],
        filters: JobFilters,
        *,
        today: int,
        limit: int,
        offset: int,
    ) -> tuple[Page, npt.NDArray[np.float64]]:
        """The open positions at the reached sites that pass the filters, nearest first (ties by vacancy id)."""
        lo = np.searchsorted(rows.site_id, site_ids, side="left")
        counts = np.searchsorted(rows.site_id, site_ids, side="right") - lo
        total = int(counts.sum())
        starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
        at = starts + np.arange(total)
        cost = np.repeat(costs, counts)
        keep = rows.valid_until[at] >= today
        if filters.occupation is not None:
            level = filters.occupation.count("-")
            if level < LEVELS:
                keep &= rows.groups[level, at] == self.group_id(filters.occupation)
            else:
                keep[:] = False
        if filters.min_wage is not None:
            keep &= rows.wage[at] >= filters.min_wage
        if filters.full_time is not None:
            keep &= rows.full_time[at] == int(filters.full_time)
        at, cost = at[keep], cost[keep]
        order = np.lexsort((rows.vacancy_id[at], cost))[offset : offset + limit]
        listed = [dict(zip(SHOWN, t, strict=True)) for t in rows.shown[at[order]].tolist()]
        return Page(len(at), int(rows.positions[at].sum()), listed), cost[order]


def _each(rows: BoardRows, take: Callable[[str, Any], Any]) -> BoardRows:
    """A BoardRows with ``take(name, array)`` applied to every array (``groups`` has the rows on axis 1)."""
    return BoardRows(**{f.name: take(f.name, getattr(rows, f.name)) for f in fields(BoardRows)})


def _sorted(rows: BoardRows) -> BoardRows:
    """The rows sorted by (site, vacancy)."""
    order = np.lexsort((rows.vacancy_id, rows.site_id))
    return _each(rows, lambda name, a: a[:, order] if name == "groups" else a[order])


def _merged(old: BoardRows, keep: npt.NDArray[np.bool_], new: BoardRows) -> BoardRows:
    """The kept rows of ``old`` (sorted) with ``new`` inserted in their places: no re-sort of the whole board."""
    if not keep.all():
        old = _each(old, lambda name, a: a[:, keep] if name == "groups" else a[keep])
    if len(new.vacancy_id) == 0:
        return old
    if max(int(old.site_id.max(initial=0)), int(new.site_id.max()), int(new.vacancy_id.max())) >= 2**31 or (
        len(old.vacancy_id) and int(old.vacancy_id.max()) >= 2**31
    ):  # the order key below would overflow: append and sort the whole board instead
        return _sorted(_each(old, lambda name, a: np.concatenate([a, getattr(new, name)], axis=-1)))
    new = _sorted(new)
    at = np.searchsorted(_order_key(old), _order_key(new))
    return _each(old, lambda name, a: np.insert(a, at, getattr(new, name), axis=-1))


def _order_key(rows: BoardRows) -> I8:
    """One sortable number per row for (site, vacancy), both below 2**31."""
    key: I8 = rows.site_id * 2**31 + rows.vacancy_id
    return key
