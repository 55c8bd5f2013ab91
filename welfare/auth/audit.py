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
               after=None, at=None, ip=None):
    """One audit row's columns as plain values, for code that inserts rows with Core (bulk
    imports, the one-statement visit and payout writes); record() builds its rows from it."""
    return {"at": at or utcnow(), "user_id": user_id, "action": action,
            "entity_type": entity_type, "entity_id": entity_id, "summary": summary[:300],
            "before": before, "after": after, "ip": request_ip() if ip is None else ip}


def record(action, actor=None, entity=None, entity_type="", entity_id=None, summary="",
           before=None, after=None):
    """Add one audit row; the caller's transaction commits it with the change."""
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id if entity_id is not None else entity.id
    row = AuditLog(**row_values(action, getattr(actor, "id", None), entity_type, entity_id,
                                summary, before, after))
    db.session.add(row)
    return row
