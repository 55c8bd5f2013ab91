"""Read-only selects for delivery pages."""

import sqlalchemy as sa

from welfare.auth.models import User
from welfare.delivery.models import (
    DeliveryEvent,
    DeliveryOutcome,
    DeliveryRoute,
    DeliveryStop,
    Vehicle,
)
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.jobs.models import Job
from welfare.roster.models import Household, HouseholdMember, IsolatedElder, LowIncomeStatus, Person


def events():
    return db.session.scalars(
        sa.select(DeliveryEvent).order_by(DeliveryEvent.event_date.desc(), DeliveryEvent.id.desc())
    ).all()


def vehicles(active_only=False):
    stmt = sa.select(Vehicle).order_by(Vehicle.name)
    if active_only:
        stmt = stmt.where(Vehicle.active)
    return db.session.scalars(stmt).all()


def villages():
    return db.session.scalars(sa.select(Village).order_by(Village.code)).all()


def event_counts(event_ids):
    """event id -> (stops, done, routes)."""
    rows = db.session.execute(
        sa.select(
            DeliveryStop.event_id,
            sa.func.count(),
            sa.func.count(DeliveryStop.outcome),
            sa.func.count(DeliveryStop.route_id),
        )
        .where(DeliveryStop.event_id.in_(event_ids))
        .group_by(DeliveryStop.event_id)
    )
    return {r[0]: r[1:] for r in rows}


def _member_counts():
    return (
        sa.select(HouseholdMember.household_id, sa.func.count().label("n"))
        .group_by(HouseholdMember.household_id)
        .subquery()
    )


def candidates(kinds, village_ids, on):
    """Recipients matching the filter: households with a current status, isolated elders."""
    found = []
    status_kinds = [k for k in kinds if k in ("low", "mid_low")]
    if status_kinds:
        members = _member_counts()
        stmt = (
            sa.select(Household, LowIncomeStatus.kind, Person, members.c.n)
            .join(LowIncomeStatus, LowIncomeStatus.household_id == Household.id)
            .outerjoin(Person, Person.id == Household.head_id)
            .outerjoin(members, members.c.household_id == Household.id)
            .where(
                LowIncomeStatus.kind.in_(status_kinds),
                LowIncomeStatus.certified_from <= on,
                LowIncomeStatus.certified_until >= on,
            )
            .order_by(Household.village_id, Household.id)
        )
        if village_ids:
            stmt = stmt.where(Household.village_id.in_(village_ids))
        seen = set()
        for household, kind, head, n in db.session.execute(stmt):
            if household.id in seen:
                continue
            seen.add(household.id)
            found.append(_household_candidate(household, kind, head, n))
    if "elder" in kinds:
        stmt = (
            sa.select(IsolatedElder, Person)
            .join(Person, Person.id == IsolatedElder.person_id)
            .where(
                IsolatedElder.active, Person.status == "registered", Person.merged_into_id.is_(None)
            )
            .order_by(Person.village_id, Person.id)
        )
        if village_ids:
            stmt = stmt.where(Person.village_id.in_(village_ids))
        for _elder, person in db.session.execute(stmt):
            found.append(person_candidate(person, "elder"))
    return found


def _household_candidate(household, kind, head, members):
    return {
        "household_id": household.id,
        "person_id": None,
        "kind": kind,
        "members": members or 1,
        "recipient_name": head.name if head else household.household_no,
        "phone": (head.mobile or head.phone) if head else "",
        "address": household.address or (head.address if head else ""),
        "village_id": household.village_id,
    }


def person_candidate(person, kind):
    return {
        "household_id": None,
        "person_id": person.id,
        "kind": kind,
        "members": 1,
        "recipient_name": person.name,
        "phone": person.mobile or person.phone,
        "address": person.address,
        "village_id": person.village_id,
    }


def candidates_by_id_numbers(id_numbers, on):
    """Recipients named by ID number; returns (candidates, numbers not eligible)."""
    people = db.session.scalars(sa.select(Person).where(Person.id_number.in_(id_numbers))).all()
    by_number = {p.id_number: p for p in people}
    found, missing = [], []
    for number in id_numbers:
        person = by_number.get(number)
        household = person.household if person else None
        status = household.current_status(on) if household else None
        if status is not None:
            members = len(household.members)
            found.append(
                _household_candidate(household, status.kind, household.head or person, members)
            )
        elif person is not None and person.elder is not None and person.elder.active:
            found.append(person_candidate(person, "elder"))
        else:
            missing.append(number)
    return found, missing


def stops_for_event(event, route_id=None):
    stmt = sa.select(DeliveryStop).where(DeliveryStop.event_id == event.id)
    if route_id:
        stmt = stmt.where(DeliveryStop.route_id == route_id)
    return db.session.scalars(
        stmt.order_by(
            DeliveryStop.route_id, DeliveryStop.sequence, DeliveryStop.village_id, DeliveryStop.id
        )
    ).all()


def unserved(event):
    return db.session.scalars(
        sa.select(DeliveryStop)
        .where(DeliveryStop.event_id == event.id, DeliveryStop.route_id.is_(None))
        .order_by(DeliveryStop.village_id, DeliveryStop.id)
    ).all()


def stops_at_address(stop):
    """Stops in open events with the same address (a correction moves them all)."""
    return db.session.scalars(
        sa.select(DeliveryStop)
        .join(DeliveryEvent)
        .where(DeliveryStop.address == stop.address, DeliveryEvent.status != "closed")
    ).all()


def routes_for_user(user):
    """A serviceman's routes, newest event first."""
    return db.session.scalars(
        sa.select(DeliveryRoute)
        .join(Vehicle)
        .join(DeliveryEvent)
        .where(Vehicle.user_id == user.id, DeliveryEvent.status != "draft")
        .order_by(DeliveryEvent.event_date.desc(), DeliveryRoute.id)
    ).all()


def route_for_user(route_id, user):
    """The route if it belongs to this serviceman (office roles see every route)."""
    route = db.session.get(DeliveryRoute, route_id)
    if route is None:
        return None
    if user.is_office or route.vehicle.user_id == user.id:
        return route
    return None


def stop_for_serviceman(stop_id, user):
    stop = db.session.get(DeliveryStop, stop_id)
    if stop is None or stop.route is None:
        return None
    return stop if route_for_user(stop.route_id, user) is not None else None


def outcome_summary(event):
    """outcome code (None for no report yet) -> count."""
    rows = db.session.execute(
        sa.select(DeliveryStop.outcome, sa.func.count())
        .where(DeliveryStop.event_id == event.id, DeliveryStop.route_id.is_not(None))
        .group_by(DeliveryStop.outcome)
    )
    return dict(rows.all())


def latest_outcomes(event):
    """stop id -> its latest doorstep report (for GPS, photo and note on the board)."""
    rows = db.session.scalars(
        sa.select(DeliveryOutcome)
        .join(DeliveryStop)
        .where(DeliveryStop.event_id == event.id)
        .order_by(DeliveryOutcome.recorded_at)
    )
    return {row.stop_id: row for row in rows}


def active_job(kind, return_url):
    """A job of this kind for this page still queued or running (the jobs domain has no
    query module; this is the one read of its table from delivery)."""
    return db.session.scalar(
        sa.select(Job).where(Job.kind == kind, Job.return_url == return_url,
                             Job.status.in_(("queued", "running")))
    )


def serviceman_accounts():
    """Active servicemen's sign-in accounts, for linking one to a vehicle."""
    return db.session.scalars(
        sa.select(User).where(User.role == "serviceman", User.is_active_account)
        .order_by(User.display_name)
    ).all()
