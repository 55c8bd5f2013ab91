"""Writing the audit log: the one place every domain records what it did."""

from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request

from welfare.auth.models import AuditLog, utcnow
from welfare.extensions import db


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj, fields):
    """A JSON-safe dict of the named attributes, for before/after records."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before, after):
    """Only the keys whose values differ, as (before, after) dicts."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def request_ip():
    """The client's address for an audit row, or "" outside a request."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def row_values(action, user_id=None, entity_type="", entity_id=None, summary="", before=None,
               after=None, at=None, ip=None, village_id=None):
    """One audit row's columns as plain values, for code that inserts rows with Core (bulk
    imports, the one-statement visit and payout writes); record() builds its rows from it.
    `village_id` is the village of the person the row is about (it scopes the row)."""
    return {"at": at or utcnow(), "user_id": user_id, "action": action,
            "entity_type": entity_type, "entity_id": entity_id, "summary": summary[:300],
            "before": before, "after": after, "ip": request_ip() if ip is None else ip,
            "village_id": village_id}


# How a record leads to the village of its person, tried in order.
VILLAGE_PATHS = (("village_id",), ("person", "village_id"), ("household", "village_id"),
                 ("entry", "village_id"), ("stop", "village_id"),
                 ("elder", "person", "village_id"), ("alert", "elder", "person", "village_id"))


def village_of(entity):
    """The village of the person a record is about, or None (rounds, accounts, jobs)."""
    for path in VILLAGE_PATHS:
        if not hasattr(type(entity), path[0]):
            continue
        value = entity
        for name in path:
            value = getattr(value, name, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return None


def record(action, actor=None, entity=None, entity_type="", entity_id=None, summary="",
           before=None, after=None, village_id=None):
    """Add one audit row; the caller's transaction commits it with the change."""
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id if entity_id is not None else entity.id
        village_id = village_id if village_id is not None else village_of(entity)
    row = AuditLog(**row_values(action, getattr(actor, "id", None), entity_type, entity_id,
                                summary, before, after, village_id=village_id))
    db.session.add(row)
    return row
