"""Writers for delivery events, their recipients and stops, vehicles and follow-ups."""

from flask_babel import gettext as _

from welfare.auth.audit import record
from welfare.delivery import queries
from welfare.delivery.geocoding import remember_correction
from welfare.delivery.labels import OUTCOME_LABELS
from welfare.delivery.models import (
    EVENT_FIELDS,
    ITEM_QUANTITIES,
    STOP_FIELDS,
    VEHICLE_FIELDS,
    DeliveryEvent,
    DeliveryStop,
    GoodsItem,
    Vehicle,
)
from welfare.delivery.rules import FOLLOW_UP_OUTCOMES, load_of, needs_follow_up, quantities_for
from welfare.errors import ServiceError
from welfare.extensions import db

# What a follow-up event copies from each stop nobody received.
FOLLOW_UP_COPY = ("household_id", "person_id", "kind", "members", "recipient_name", "phone",
                  "address", "village_id", "goods", "load", "service_minutes", "window_start",
                  "window_end", "lat", "lng", "approximate")


def logged(action, actor, entity, summary, **details):
    """Flush the change and write its audit record; returns the entity."""
    db.session.flush()
    record(f"delivery.{action}", actor=actor, entity=entity, summary=summary, **details)
    return entity


def create_event(data, items, actor):
    """A draft event with its goods items (name, unit, quantities, load units)."""
    event = DeliveryEvent(
        created_by_id=getattr(actor, "id", None),
        **{k: data.get(k) for k in EVENT_FIELDS if k in data},
    )
    db.session.add(event)
    set_items(event, items)
    return logged("create_event", actor, event, event.name)


def update_event(event, data, items, actor):
    """Change the event's details and goods; loads of stops not edited by hand follow."""
    for key in EVENT_FIELDS:
        if key in data:
            setattr(event, key, data[key])
    set_items(event, items)
    for stop in event.stops:
        stop.goods = quantities_for(event.items, stop.kind, stop.members)
        stop.load = load_of(stop.goods, event.items)
    return logged("update_event", actor, event, event.name)


def set_items(event, items):
    """Replace the event's goods items, refusing none or two of one name."""
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
    logged("add_recipients", actor, event, f"{added} stops")
    return added


def update_stop(stop, data, actor):
    """Edit one stop's goods, window, service time or notes; its load follows the goods."""
    goods = {k: int(v) for k, v in data.get("goods", stop.goods).items() if int(v or 0) > 0}
    if any(int(v or 0) < 0 for v in data.get("goods", {}).values()):
        raise ServiceError(("goods", _("Quantities cannot be negative.")))
    ws, we = data.get("window_start"), data.get("window_end")
    if ws and we and we <= ws:
        raise ServiceError(("window_end", _("The window must end after it starts.")))
    stop.goods = goods
    stop.load = load_of(goods, stop.event.items)
    for key in STOP_FIELDS:
        if key in data:
            setattr(stop, key, data[key])
    return logged("update_stop", actor, stop, stop.recipient_name)


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
    logged("correct_position", actor, stop, stop.address, after={"lat": lat, "lng": lng})


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
    return logged("create_vehicle" if creating else "update_vehicle", actor, vehicle, vehicle.name)


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
        follow.items.append(GoodsItem(position=item.position, name=item.name, unit=item.unit,
                                      **{k: getattr(item, k) for k in ITEM_QUANTITIES}))
    for stop in left:
        note = stop.notes
        if stop.outcome in FOLLOW_UP_OUTCOMES:
            note = (f"{note} " if note else "") + _(
                "Last time: %(o)s", o=OUTCOME_LABELS[stop.outcome]
            )
        copied = {k: getattr(stop, k) for k in FOLLOW_UP_COPY}
        follow.stops.append(DeliveryStop(notes=note, **copied))
    return logged("follow_up", actor, follow, f"{len(left)} stops")
