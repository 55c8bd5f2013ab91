"""Relief-goods delivery's part of the home work list: a serviceman's routes for today and
the coming days; for the office, delivery days with doorsteps still unreported."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.auth.permissions import OFFICE, SERVICEMEN
from welfare.delivery.models import DeliveryEvent, DeliveryRoute, DeliveryStop, Vehicle
from welfare.extensions import db

AHEAD_DAYS = 7


def _left():
    return (sa.select(DeliveryStop.route_id, sa.func.count(DeliveryStop.id).label("left"))
            .where(DeliveryStop.outcome.is_(None), DeliveryStop.route_id.is_not(None))
            .group_by(DeliveryStop.route_id).subquery())


def _serviceman_work(user, today):
    left = _left()
    rows = db.session.execute(
        sa.select(DeliveryRoute.id, DeliveryEvent.name, DeliveryEvent.event_date, Vehicle.name,
                  left.c.left)
        .join(Vehicle, DeliveryRoute.vehicle_id == Vehicle.id)
        .join(DeliveryEvent, DeliveryRoute.event_id == DeliveryEvent.id)
        .join(left, left.c.route_id == DeliveryRoute.id)
        .where(Vehicle.user_id == user.id, DeliveryEvent.status == "planned",
               DeliveryEvent.event_date <= today + timedelta(days=AHEAD_DAYS))
        .order_by(DeliveryEvent.event_date, DeliveryRoute.id)).all()
    return [worklist.WorkItem(
        title=_("Route %(vehicle)s, %(event)s: doorsteps still to visit",
                vehicle=vehicle, event=event),
        count=stops, unit="households", link=url_for("delivery.phone_route", route_id=route_id),
        urgency=worklist.by_date(day, today, 2), deadline=day)
        for route_id, event, day, vehicle, stops in rows]


def _office_work(today):
    rows = db.session.execute(
        sa.select(DeliveryEvent.id, DeliveryEvent.name, DeliveryEvent.event_date,
                  sa.func.count(DeliveryStop.id))
        .join(DeliveryStop, DeliveryStop.event_id == DeliveryEvent.id)
        .where(DeliveryEvent.status == "planned", DeliveryEvent.event_date <= today,
               DeliveryStop.route_id.is_not(None), DeliveryStop.outcome.is_(None))
        .group_by(DeliveryEvent.id, DeliveryEvent.name, DeliveryEvent.event_date)).all()
    return [worklist.WorkItem(
        title=_("%(event)s: doorsteps without a report", event=name), count=stops,
        unit="households", link=url_for("delivery.event", event_id=event_id),
        urgency=worklist.by_date(day, today, 2), deadline=day,
        detail=_("Ask the drivers, then close the delivery day."))
        for event_id, name, day, stops in rows]


@worklist.provider
def delivery_work(user, now):
    today = worklist.local_day(now)
    if user.role in SERVICEMEN:
        return _serviceman_work(user, today)
    if user.role in OFFICE:
        return _office_work(today)
    return []
