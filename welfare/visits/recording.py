"""Recording a visit: checks, one INSERT ... ON CONFLICT (uuid) per record, the audit row
and the alerts or sweep checks that follow.

The phone app's sync (POST /api/v1/visits) runs this for every record it sends, so the
common case is plain Core statements built once: no ORM objects, no savepoint. ORM objects
load only when an alert opens or closes or a sweep check is filled."""

import base64
import binascii
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from welfare.auth import audit as audit_log
from welfare.auth.models import AuditLog, User, utcnow
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import IsolatedElder
from welfare.visits import alerts, rules
from welfare.visits.models import Alert, Sweep, SweepCheck, Visit

MAX_PHOTO_BYTES = 3 * 1024 * 1024
VISITS, AUDIT = Visit.__table__, AuditLog.__table__
_ALERTS, _CHECKS, _SWEEPS = Alert.__table__, SweepCheck.__table__, Sweep.__table__


class VisitConflict(ServiceError):
    """The uuid is already stored with other content."""

    def __init__(self, visit):
        super().__init__(_("This record was already sent with different content."))
        self.visit = visit


class FollowUp(NamedTuple):
    """What a new visit to an elder may change: an open no-answer alert, an open sweep check."""

    open_no_answer: bool = False
    check_id: int | None = None
    sweep_id: int | None = None


def follow_up_columns(elder_id):
    """The three FollowUp values as scalar columns, to ride along in another select."""
    open_no_answer = sa.exists().where(
        _ALERTS.c.elder_id == elder_id, _ALERTS.c.reason == "no_answer",
        _ALERTS.c.closed_at.is_(None))
    check = (sa.select(_CHECKS.c.id, _CHECKS.c.sweep_id)
             .join(_SWEEPS, _SWEEPS.c.id == _CHECKS.c.sweep_id)
             .where(_CHECKS.c.elder_id == elder_id, _SWEEPS.c.closed_at.is_(None))
             .order_by(_SWEEPS.c.id.desc()).limit(1))
    return (open_no_answer.label("open_no_answer"),
            check.with_only_columns(_CHECKS.c.id).scalar_subquery().label("check_id"),
            check.with_only_columns(_CHECKS.c.sweep_id).scalar_subquery().label("sweep_id"))


_FOLLOW_UP = sa.select(*follow_up_columns(sa.bindparam("elder_id", type_=sa.Integer)))
_BY_UUID = sa.select(VISITS).where(VISITS.c.uuid == sa.bindparam("uuid"))
_VISIT_COLUMNS = [c.name for c in VISITS.columns if c.name != "id"]
_AUDIT_COLUMNS = [c.name for c in AUDIT.columns if c.name != "id"]
_INSERTS = {}


def _insert_statement(dialect):
    """INSERT ... ON CONFLICT (uuid) DO NOTHING RETURNING id: the unique uuid decides a race
    between replays. On PostgreSQL the audit row is inserted by the same statement, from
    the visit's RETURNING (none on a conflict): one round trip for both rows."""
    if dialect.name in _INSERTS:
        return _INSERTS[dialect.name]
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect.name]
    visit = (insert(VISITS).on_conflict_do_nothing(index_elements=["uuid"])
             .returning(VISITS.c.id))
    if dialect.name == "postgresql":
        visit = visit.values({name: sa.bindparam(name, type_=VISITS.c[name].type)
                              for name in _VISIT_COLUMNS}).cte("new_visit")
        audit = {name: sa.bindparam(f"audit_{name}", type_=AUDIT.c[name].type)
                 for name in _AUDIT_COLUMNS}
        audit["entity_id"] = visit.c.id
        statement = (AUDIT.insert().from_select(_AUDIT_COLUMNS, sa.select(
            *(audit[name] for name in _AUDIT_COLUMNS)).select_from(visit))
            .returning(AUDIT.c.entity_id))
    else:
        statement = None
    _INSERTS[dialect.name] = visit, statement
    return _INSERTS[dialect.name]


def parse_time(value):
    """An ISO 8601 time as naive UTC; a time without offset is Taiwan time."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC) - timedelta(hours=8)
        return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    except OverflowError:  # within hours of year 1 or 9999
        return None


def _check_visit(data, now):
    errors = []
    if data.get("kind") not in rules.KINDS:
        errors.append(("kind", _("Choose how you made contact.")))
    if data.get("outcome") not in rules.OUTCOMES:
        errors.append(("outcome", _("Choose what happened.")))
    visited_at = parse_time(data.get("visited_at") or "")
    if visited_at is None:
        errors.append(("visited_at", _("Enter the time of the visit.")))
    elif visited_at > now + timedelta(minutes=10):
        errors.append(("visited_at", _("The visit time cannot be in the future.")))
    elif visited_at < now - timedelta(days=400):
        errors.append(("visited_at", _("The visit time is more than a year ago.")))
    try:
        duration = int(data.get("duration_minutes") or 0)
    except (TypeError, ValueError, OverflowError):
        duration = -1
    if not 0 <= duration <= 1440:
        errors.append(("duration_minutes", _("Enter minutes from 0 to 1440.")))
    assessment = data.get("assessment") or {}
    if not isinstance(assessment, dict) or any(
            k not in rules.ASSESSMENT or v not in rules.ASSESSMENT_VALUES
            for k, v in assessment.items()):
        errors.append(("assessment", _("The assessment has an unknown answer.")))
    needs = data.get("needs") or []
    if not isinstance(needs, list) or any(n not in rules.NEEDS for n in needs):
        errors.append(("needs", _("Choose needs from the list.")))
    if not isinstance(data.get("notes") or "", str):
        errors.append(("notes", _("Notes must be text.")))
    elif len(data.get("notes") or "") > 4000:
        errors.append(("notes", _("Notes can be at most 4,000 characters.")))
    if not isinstance(data.get("photo") or "", str):
        errors.append(("photo", _("The photo could not be read.")))
    for key, low, high in (("lat", -90, 90), ("lng", -180, 180), ("gps_accuracy", 0, 1e6)):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not (
                isinstance(value, int | float) and low <= value <= high)):
            errors.append((key, _("The position is not valid.")))
    if rules.half_position(data.get("lat"), data.get("lng")):
        errors.append(("lng" if data.get("lng") is None else "lat",
                       _("Send both latitude and longitude, or neither.")))
    if errors:
        raise ServiceError(*errors)
    clean = dict(data)
    clean.update(visited_at=visited_at, duration_minutes=duration, assessment=assessment,
                 needs=sorted(set(needs)), notes=(data.get("notes") or "").strip())
    return clean


def _decode_photo(photo):
    if not photo:
        return None
    text = photo.partition(",")[2] if photo.startswith("data:") else photo
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ServiceError(("photo", _("The photo could not be read."))) from exc
    if len(raw) > MAX_PHOTO_BYTES or raw[:3] != b"\xff\xd8\xff" and raw[:4] != b"\x89PNG":
        raise ServiceError(("photo", _("The photo must be a JPEG or PNG under 3 MB.")))
    return raw


def _photo_name(uuid, photo):
    if not photo:
        return ""
    return f"{uuid}.png" if photo.startswith(b"\x89PNG") else f"{uuid}.jpg"


def photo_dir():
    return Path(current_app.instance_path) / "visit-photos"


def follow_up_for(elder_id):
    """The FollowUp state of one elder (the API gets it inside its caller lookup instead)."""
    return FollowUp(*db.session.connection().execute(_FOLLOW_UP, {"elder_id": elder_id}).one())


def save_visit(data, *, elder_id, care_level, elder_name, actor_id, volunteer_id,
               follow_up, now=None):
    """Store a visit once per uuid; returns (visit values, created). Raises VisitConflict."""
    now = now or utcnow()
    clean = _check_visit(data, now)
    uuid = data.get("uuid")
    uuid = uuid.strip().lower() if isinstance(uuid, str) else ""
    if not 8 <= len(uuid) <= 36:
        raise ServiceError(("uuid", _("The record has no valid identifier.")))
    digest = rules.content_hash({**clean, "elder_id": elder_id, "photo": data.get("photo")})
    photo = _decode_photo(data.get("photo"))
    values = {
        "uuid": uuid, "content_hash": digest, "elder_id": elder_id,
        "recorded_by_id": actor_id, "volunteer_id": volunteer_id, "kind": clean["kind"],
        "outcome": clean["outcome"], "visited_at": clean["visited_at"],
        "duration_minutes": clean["duration_minutes"],
        "assessment": clean["assessment"] or None, "needs": clean["needs"] or None,
        "referral": bool(clean.get("referral")), "notes": clean["notes"],
        "photo": _photo_name(uuid, photo), "lat": clean.get("lat"), "lng": clean.get("lng"),
        "gps_accuracy": clean.get("gps_accuracy"), "sweep_id": follow_up.sweep_id,
        "created_at": utcnow(),
    }
    audit = audit_log.row_values(
        "record_visit", actor_id, "visits", None, elder_name,
        after={"elder_id": elder_id, "kind": values["kind"], "outcome": values["outcome"]})
    del audit["entity_id"]  # the new visit's id, filled in by the insert
    connection = db.session.connection()
    visit_insert, both_insert = _insert_statement(connection.dialect)
    if both_insert is not None:
        params = {f"audit_{k}": v for k, v in audit.items()}
        params.update(values)
        visit_id = connection.execute(both_insert, params).scalar()
    else:
        visit_id = connection.execute(visit_insert, values).scalar()
        if visit_id is not None:
            connection.execute(AUDIT.insert(), dict(audit, entity_id=visit_id))
    if visit_id is None:
        # Stored before (or by a racing replay, which this insert waited for): compare.
        existing = connection.execute(_BY_UUID, {"uuid": uuid}).one()
        if existing.content_hash != digest:
            raise VisitConflict(existing)
        return existing, False
    visit = SimpleNamespace(id=visit_id, **values)
    if photo:
        photo_dir().mkdir(parents=True, exist_ok=True)
        (photo_dir() / visit.photo).write_bytes(photo)
    reason = rules.alert_reason(visit.outcome, care_level, visit.needs or (), visit.referral)
    closes = follow_up.open_no_answer and rules.closes_alert("no_answer", visit.outcome)
    if closes or reason or follow_up.check_id is not None:
        actor = db.session.get(User, actor_id)
        elder = db.session.get(IsolatedElder, elder_id)
        alerts.after_visit(visit, elder, actor, now, reason, closes, follow_up.check_id)
    return visit, True


def record_visit(elder, data, actor, volunteer=None, now=None):
    """Store a visit once per uuid; returns (visit, created). Raises VisitConflict."""
    db.session.flush()  # the Core insert below must see pending rows (the elder, in tests)
    visit, created = save_visit(
        data, elder_id=elder.id, care_level=elder.care_level, elder_name=elder.person.name,
        actor_id=actor.id, volunteer_id=volunteer.id if volunteer else None,
        follow_up=follow_up_for(elder.id), now=now)
    return db.session.get(Visit, visit.id), created
