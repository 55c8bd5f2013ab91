"""Writing the audit log: the one place every domain records what it did."""

from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request

from welfare.auth.models import AuditLog
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


def record(action, actor=None, entity=None, entity_type="", entity_id=None, summary="",
           before=None, after=None):
    """Add one audit row; the caller's transaction commits it with the change."""
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id if entity_id is not None else entity.id
    row = AuditLog(
        user_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary[:300],
        before=before,
        after=after,
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(row)
    return row
