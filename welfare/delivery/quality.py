"""Delivery's column on the roster's data-quality page: people (or their households) on a stop
of an open event whose position is still the village's centroid."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.roster import quality
from welfare.roster.models import HouseholdMember, Person


def _approximate(today):
    """On a delivery stop of an event not yet closed whose position is still the village's
    centroid (the geocoder found no exact point): by the person, or their household."""
    stops = (sa.select(DeliveryStop)
             .join(DeliveryEvent, DeliveryStop.event_id == DeliveryEvent.id)
             .where(DeliveryStop.approximate, DeliveryEvent.status != "closed"))
    by_person = stops.with_only_columns(DeliveryStop.person_id).where(
        DeliveryStop.person_id.is_not(None))
    by_household = sa.select(HouseholdMember.person_id).where(
        HouseholdMember.household_id.in_(stops.with_only_columns(DeliveryStop.household_id)
                                         .where(DeliveryStop.household_id.is_not(None))))
    return sa.or_(Person.id.in_(by_person), Person.id.in_(by_household))


quality.add_check(quality.Check("approximate", _l("Approximate positions on open deliveries"),
                                _approximate), before="duplicate")
