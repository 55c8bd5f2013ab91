"""Display names for delivery codes (lazy, so they follow the page's language)."""

from flask_babel import lazy_gettext as _l

OUTCOME_LABELS = {
    "delivered": _l("Delivered"),
    "left_with_family": _l("Left with family"),
    "left_with_neighbour": _l("Left with a neighbour"),
    "not_home": _l("Not home"),
    "refused": _l("Refused"),
    "wrong_address": _l("Wrong address"),
}
KIND_LABELS = {
    "low": _l("Low-income"),
    "mid_low": _l("Mid-low income"),
    "elder": _l("Isolated elder"),
}
VEHICLE_LABELS = {"scooter": _l("Scooter"), "van": _l("Van")}
STATUS_LABELS = {"draft": _l("Draft"), "planned": _l("Planned"), "closed": _l("Closed")}
REASON_LABELS = {
    "too_heavy": _l("Load larger than any vehicle holds"),
    "too_far": _l("Too far to reach and return within a shift"),
    "window_outside_shifts": _l("Time window outside every shift"),
    "no_room": _l("No room left on any route (capacity, time or stop limit)"),
    "removed": _l("Taken off its route by staff"),
}


def goods_with_units(event, stop):
    """(name, quantity, unit) for each item the stop receives, in the event's item order."""
    units = {item.name: item.unit for item in event.items}
    order = {item.name: index for index, item in enumerate(event.items)}
    return [(name, qty, units.get(name, ""))
            for name, qty in sorted(stop.goods.items(), key=lambda kv: order.get(kv[0], 99))]
