"""Relief-goods deliveries to a person or their household, for roster.history."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.delivery.labels import OUTCOME_LABELS
from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.extensions import db
from welfare.roster.history import SOURCES, Event


def stops_of(person):
    """(stop, event) for every delivery addressed to the person or their household."""
    household = person.household
    who = DeliveryStop.person_id == person.id
    if household is not None:
        who = sa.or_(who, DeliveryStop.household_id == household.id)
    return db.session.execute(
        sa.select(DeliveryStop, DeliveryEvent)
        .join(DeliveryEvent, DeliveryEvent.id == DeliveryStop.event_id).where(who)).all()


def delivery_events(person, viewer):
    for stop, event in stops_of(person):
        outcome = OUTCOME_LABELS[stop.outcome] if stop.outcome else _("No doorstep report yet")
        goods = "、".join(f"{name} {qty}" for name, qty in (stop.goods or {}).items())
        yield Event("delivery", stop.outcome_at or event.event_date,
                    _("%(event)s: %(outcome)s", event=event.name, outcome=outcome),
                    detail=goods, extra={"event": event.name, "outcome": stop.outcome})


SOURCES.append(delivery_events)
