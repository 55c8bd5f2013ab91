"""Doorstep reports from the servicemen's phones: idempotent on the report's UUID."""

import base64
import binascii
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from welfare.delivery import queries
from welfare.delivery.models import OUTCOMES, DeliveryOutcome
from welfare.delivery.services import logged
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import whole_number


class OutcomeConflict(ServiceError):
    """The same UUID arrived with different content."""

    status = 409

    def __init__(self):
        super().__init__(("uuid", _("This report identifier was already used for another report.")))


class NoSuchStop(ServiceError):
    """The stop is on none of the acting serviceman's routes."""

    status = 404

    def __init__(self):
        super().__init__(("stop_id", _("No such stop on your routes.")))


def _stored(uuid):
    return db.session.scalar(sa.select(DeliveryOutcome).where(DeliveryOutcome.uuid == uuid))


def _parse_time(value):
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ServiceError(("recorded_at", _("The time is not valid."))) from exc
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _same(row, data, timed=True):
    """Same report content; a plain form post has no phone time, so its time is not compared."""
    return (
        row.stop_id == data["stop_id"]
        and row.outcome == data["outcome"]
        and row.note == data["note"]
        and (not timed or row.recorded_at == data["recorded_at"])
    )


def record_outcome(payload, actor):
    """Store one doorstep report; replaying a UUID returns the stored report, not a new one.
    Returns (outcome, created). Raises OutcomeConflict when the UUID's content differs,
    NoSuchStop when the stop is not on the actor's routes."""
    timed = bool(payload.get("recorded_at"))
    data = {
        "uuid": str(payload.get("uuid") or "")[:36],
        # A stop id that is not a whole number in range is no stop on anyone's route (404).
        "stop_id": whole_number(str(payload.get("stop_id") or ""), minimum=1) or 0,
        "outcome": payload.get("outcome"),
        "note": str(payload.get("note") or "")[:300],
        "recorded_at": _parse_time(payload.get("recorded_at") or datetime.now(UTC).isoformat()),
    }
    if len(data["uuid"]) < 8:
        raise ServiceError(("uuid", _("Missing report identifier.")))
    if data["outcome"] not in OUTCOMES:
        raise ServiceError(("outcome", _("Choose what happened at the door.")))
    existing = _stored(data["uuid"])
    if existing is not None:
        if _same(existing, data, timed):
            return existing, False
        raise OutcomeConflict()
    stop = queries.stop_for_serviceman(data["stop_id"], actor)
    if stop is None:
        raise NoSuchStop()
    row = DeliveryOutcome(user_id=actor.id, **data)
    for key in ("lat", "lng", "accuracy_m"):
        value = payload.get(key)
        setattr(row, key, float(value) if isinstance(value, int | float) else None)
    row.photo = _save_photo(data["uuid"], payload.get("photo"))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # The same report arrived twice at once; the other request stored it first.
        existing = _stored(data["uuid"])
        if existing is not None and _same(existing, data, timed):
            return existing, False
        raise OutcomeConflict() from None
    if stop.outcome_at is None or data["recorded_at"] >= stop.outcome_at:
        stop.outcome, stop.outcome_at = data["outcome"], data["recorded_at"]
    logged("outcome", actor, stop, f"{stop.recipient_name}: {data['outcome']}")
    return row, True


# A phone photo of a doorstep needs no more; the whole upload may be 50 MB.
PHOTO_MAX_BYTES = 8 * 2**20


def _save_photo(uuid, data_url):
    if not data_url:
        return ""
    try:
        header, encoded = str(data_url).split(",", 1)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ServiceError(("photo", _("The photo could not be read."))) from exc
    if "image/jpeg" not in header and "image/png" not in header \
            or not raw.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        raise ServiceError(("photo", _("The photo must be a JPEG or PNG image.")))
    if len(raw) > PHOTO_MAX_BYTES:
        raise ServiceError(("photo", _("The photo is larger than %(mb)s MB; take it again at a "
                                       "lower resolution.", mb=PHOTO_MAX_BYTES // 2**20)))
    folder = Path(current_app.instance_path) / "delivery_photos"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid}.{'png' if 'png' in header else 'jpg'}"
    (folder / name).write_bytes(raw)
    return name
