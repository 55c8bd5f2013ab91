"""Writers for delivery events, stops, vehicles and outcomes."""

import base64
import binascii
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from welfare.auth.audit import record
from welfare.delivery import queries
from welfare.delivery.geocoding import remember_correction
from welfare.delivery.labels import OUTCOME_LABELS
from welfare.delivery.models import (
    OUTCOMES,
    DeliveryEvent,
    DeliveryOutcome,
    DeliveryStop,
    GoodsItem,
    Vehicle,
)
from welfare.delivery.rules import FOLLOW_UP_OUTCOMES, load_of, needs_follow_up, quantities_for
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import whole_number

EVENT_FIELDS = ("name", "event_date", "service_minutes", "max_stops", "notes")
VEHICLE_FIELDS = (
    "name",
    "phone",
    "user_id",
    "vehicle_type",
    "plate",
    "capacity",
    "max_stops",
    "shift_start",
    "shift_end",
    "start_lat",
    "start_lng",
    "end_lat",
    "end_lng",
    "reloads",
    "active",
)


def create_event(data, items, actor):
    """A draft event with its goods items (name, unit, quantities, load units)."""
    event = DeliveryEvent(
        created_by_id=getattr(actor, "id", None),
        **{k: data.get(k) for k in EVENT_FIELDS if k in data},
    )
    db.session.add(event)
    set_items(event, items)
    db.session.flush()
    record("delivery.create_event", actor=actor, entity=event, summary=event.name)
    return event


def update_event(event, data, items, actor):
    """Change the event's details and goods; loads of stops not edited by hand follow."""
    for key in EVENT_FIELDS:
        if key in data:
            setattr(event, key, data[key])
    set_items(event, items)
    for stop in event.stops:
        stop.goods = quantities_for(event.items, stop.kind, stop.members)
        stop.load = load_of(stop.goods, event.items)
    db.session.flush()
    record("delivery.update_event", actor=actor, entity=event, summary=event.name)
    return event


def set_items(event, items):
    if not items:
        raise ServiceError(("items", _("Add at least one goods item.")))
    names = [i["name"] for i in items]
    if len(set(names)) != len(names):
        raise ServiceError(("items", _("Each goods item needs its own name.")))
    event.items.clear()
    db.session.flush()
    for position, item in enumerate(items):
        event.items.append(GoodsItem(position=position, **item))


def add_recipients(event, candidates, actor):
    """Add stops for candidate recipients not already on the event; returns how many."""
    have_households = {s.household_id for s in event.stops if s.household_id}
    have_people = {s.person_id for s in event.stops if s.person_id}
    added = 0
    for c in candidates:
        if (c["household_id"] and c["household_id"] in have_households) or (
            c["person_id"] and c["person_id"] in have_people
        ):
            continue
        goods = quantities_for(event.items, c["kind"], c["members"])
        stop = DeliveryStop(event=event, goods=goods, load=load_of(goods, event.items), **c)
        db.session.add(stop)
        have_households.add(c["household_id"])
        have_people.add(c["person_id"])
        added += 1
    db.session.flush()
    record("delivery.add_recipients", actor=actor, entity=event, summary=f"{added} stops")
    return added


def update_stop(stop, data, actor):
    """Edit one stop's goods, window, service time or notes; its load follows the goods."""
    goods = {k: int(v) for k, v in data.get("goods", stop.goods).items() if int(v) > 0}
    if any(int(v) < 0 for v in data.get("goods", {}).values()):
        raise ServiceError(("goods", _("Quantities cannot be negative.")))
    ws, we = data.get("window_start"), data.get("window_end")
    if ws and we and we <= ws:
        raise ServiceError(("window_end", _("The window must end after it starts.")))
    stop.goods = goods
    stop.load = load_of(goods, stop.event.items)
    for key in ("window_start", "window_end", "service_minutes", "notes", "phone"):
        if key in data:
            setattr(stop, key, data[key])
    db.session.flush()
    record("delivery.update_stop", actor=actor, entity=stop, summary=stop.recipient_name)
    return stop


def remove_stop(stop, actor):
    """Take a recipient off the event (only before anything was recorded at the door)."""
    if stop.outcome:
        raise ServiceError(_("This stop already has a doorstep report."))
    record("delivery.remove_stop", actor=actor, entity=stop, summary=stop.recipient_name)
    db.session.delete(stop)
    db.session.flush()


def correct_position(stop, lat, lng, actor):
    """Staff dragged the marker: keep the point for this address and every stop there."""
    if not (21.5 < lat < 23.5 and 119.5 < lng < 121.5):
        raise ServiceError(("lat", _("That point is outside the district.")))
    remember_correction(stop.address, lat, lng, actor)
    for same in queries.stops_at_address(stop):
        same.lat, same.lng, same.approximate = lat, lng, False
    db.session.flush()
    record(
        "delivery.correct_position",
        actor=actor,
        entity=stop,
        summary=stop.address,
        after={"lat": lat, "lng": lng},
    )


def save_vehicle(vehicle, data, actor):
    """Create (vehicle=None) or update a serviceman's vehicle and shift."""
    if (
        data.get("shift_end")
        and data.get("shift_start")
        and data["shift_end"] <= data["shift_start"]
    ):
        raise ServiceError(("shift_end", _("The shift must end after it starts.")))
    creating = vehicle is None
    vehicle = vehicle or Vehicle()
    for key in VEHICLE_FIELDS:
        if key in data:
            setattr(vehicle, key, data[key])
    db.session.add(vehicle)
    db.session.flush()
    record(
        "delivery.create_vehicle" if creating else "delivery.update_vehicle",
        actor=actor,
        entity=vehicle,
        summary=vehicle.name,
    )
    return vehicle


class OutcomeConflict(Exception):
    """The same UUID arrived with different content."""


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
    Returns (outcome, created). Raises OutcomeConflict when the UUID's content differs."""
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
    existing = db.session.scalar(
        sa.select(DeliveryOutcome).where(DeliveryOutcome.uuid == data["uuid"])
    )
    if existing is not None:
        if _same(existing, data, timed):
            return existing, False
        raise OutcomeConflict(data["uuid"])
    stop = queries.stop_for_serviceman(data["stop_id"], actor)
    if stop is None:
        raise LookupError(data["stop_id"])
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
        existing = db.session.scalar(
            sa.select(DeliveryOutcome).where(DeliveryOutcome.uuid == data["uuid"])
        )
        if existing is not None and _same(existing, data, timed):
            return existing, False
        raise OutcomeConflict(data["uuid"]) from None
    if stop.outcome_at is None or data["recorded_at"] >= stop.outcome_at:
        stop.outcome, stop.outcome_at = data["outcome"], data["recorded_at"]
    db.session.flush()
    record(
        "delivery.outcome",
        actor=actor,
        entity=stop,
        summary=f"{stop.recipient_name}: {data['outcome']}",
    )
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


def create_follow_up(event, actor):
    """A new draft event holding the stops nobody received (not home, wrong address, no report)."""
    left = [s for s in event.stops if needs_follow_up(s.outcome)]
    if not left:
        raise ServiceError(_("Every stop was delivered; nothing to follow up."))
    follow = DeliveryEvent(
        name=_("%(name)s (follow-up)", name=event.name)[:100],
        event_date=event.event_date,
        service_minutes=event.service_minutes,
        max_stops=event.max_stops,
        follow_up_of_id=event.id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(follow)
    for item in event.items:
        follow.items.append(
            GoodsItem(
                position=item.position,
                name=item.name,
                unit=item.unit,
                qty_small=item.qty_small,
                qty_large=item.qty_large,
                qty_elder=item.qty_elder,
                load_units=item.load_units,
            )
        )
    copy = (
        "household_id",
        "person_id",
        "kind",
        "members",
        "recipient_name",
        "phone",
        "address",
        "village_id",
        "goods",
        "load",
        "service_minutes",
        "window_start",
        "window_end",
        "lat",
        "lng",
        "approximate",
    )
    for stop in left:
        note = stop.notes
        if stop.outcome in FOLLOW_UP_OUTCOMES:
            note = (f"{note} " if note else "") + _(
                "Last time: %(o)s", o=OUTCOME_LABELS[stop.outcome]
            )
        follow.stops.append(DeliveryStop(notes=note, **{k: getattr(stop, k) for k in copy}))
    db.session.flush()
    record("delivery.follow_up", actor=actor, entity=follow, summary=f"{len(left)} stops")
    return follow
