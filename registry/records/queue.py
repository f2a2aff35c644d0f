"""The review queue: what waits for the caller (their drafts and returns, or what their level must review)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from registry.accounts.roles import Account
from registry.personal import mask_name
from registry.records import queries as q
from registry.records.workflow import queue_statuses

QUERIES = {"residents": q.RESIDENT_QUEUE, "enterprises": q.ENTERPRISE_QUEUE, "vacancies": q.VACANCY_QUEUE}


def review_queue(conn: Connection, account: Account, *, limit: int = 200) -> dict[str, Any]:
    """Records waiting for the account's level, per kind, oldest first (residents' names masked as usual)."""
    out: dict[str, Any] = {"role": account.role, "items": []}
    for kind, statuses in queue_statuses(account).items():
        params = {"statuses": statuses, "limit": limit, "prefix": account.scope.prefix}
        for r in conn.execute(QUERIES[kind], params):
            label = r.label if kind != "residents" or account.sees_names else mask_name(r.label)
            out["items"].append(
                {
                    "kind": kind,
                    "record_id": r.record_id,
                    "label": label,
                    "area_code": r.area_code,
                    "status": r.status,
                    "updated_at": r.updated_at.isoformat(),
                    "returned_reason": r.reason,
                }
            )
    out["count"] = len(out["items"])
    return out
