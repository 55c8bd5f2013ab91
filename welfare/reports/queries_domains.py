"""Read-only aggregates over the rounds, delivery and visits domains."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.delivery.rules import DONE_OUTCOMES
from welfare.extensions import db
from welfare.reports.queries import live_people, month_counts
from welfare.roster.models import IsolatedElder, Person
from welfare.rounds.models import Payout, Round, RoundEntry
from welfare.rounds.rules import PAID_OUTCOMES
from welfare.visits.models import Alert, Visit
from welfare.visits.rules import REACHED_OUTCOMES


def _span(period):
    """[start, end) datetimes covering the period's days."""
    return (datetime.combine(period.start, time.min),
            datetime.combine(period.end + timedelta(days=1), time.min))


def _villages(column, village_ids):
    return column.in_(sorted(village_ids)) if village_ids else sa.true()


# Elder-gift rounds -------------------------------------------------------------------

def rounds_in_period(period):
    """Rounds past draft whose payout window (with late claims) overlaps the period."""
    last_day = sa.func.coalesce(Round.late_claim_end, Round.payout_end)
    stmt = (sa.select(Round)
            .where(Round.status != "draft", Round.payout_start <= period.end,
                   last_day >= period.start)
            .order_by(Round.payout_start.desc(), Round.id.desc()))
    return db.session.scalars(stmt).all()


def round_outcomes(round_ids, village_ids=None):
    """{(round_id, village_id, outcome or None): (entries, amount)}; None is not yet recorded."""
    if not round_ids:
        return {}
    entry, payout = RoundEntry, Payout
    stmt = (
        sa.select(entry.round_id, entry.village_id, payout.outcome, sa.func.count(entry.id),
                  sa.func.coalesce(sa.func.sum(payout.amount), 0))
        .select_from(entry)
        .outerjoin(payout, sa.and_(payout.entry_id == entry.id, payout.reversed_at.is_(None)))
        .where(entry.round_id.in_(round_ids), _villages(entry.village_id, village_ids))
        .group_by(entry.round_id, entry.village_id, payout.outcome)
    )
    return {(r, v, o): (n, int(a)) for r, v, o, n, a in db.session.execute(stmt)}


def payouts_by_month(period, village_ids=None):
    """{(year, month): gifts paid} by payment day, corrections excluded."""
    extra = [Payout.reversed_at.is_(None), Payout.outcome.in_(PAID_OUTCOMES)]
    if village_ids:  # the village is the entry's: join only when filtering by it
        extra.append(Payout.entry_id.in_(
            sa.select(RoundEntry.id).where(RoundEntry.village_id.in_(sorted(village_ids)))))
    return month_counts(Payout.paid_on, period.start, period.end, extra=extra)


# Home visits ---------------------------------------------------------------------------

def elder_villages(as_of):
    """(elder id, care level, village id or None when not on the roster on `as_of`) of the
    active isolated elders, as a subquery. Each elder's person is looked up by primary key
    (a few thousand probes) rather than joined, which would read the whole people table;
    the village is not filtered on in SQL, where the lookup would then run twice."""
    village = (sa.select(Person.village_id)
               .where(Person.id == IsolatedElder.person_id, live_people(as_of))
               .correlate(IsolatedElder).scalar_subquery())
    return (sa.select(IsolatedElder.id.label("elder_id"), IsolatedElder.care_level,
                      village.label("village_id"))
            .where(IsolatedElder.active).subquery("elders"))


def visit_coverage(period, as_of, village_ids=None, snapshot_id=None):
    """{(village_id, care_level): (elders, reached, visits, open alerts)}, in one query:
    each elder's visits in the period and open alerts, grouped by elder first. The elders
    are those of the stored roster snapshot `snapshot_id` when given (the same day's)."""
    start, end = _span(period)
    reached = sa.case((Visit.outcome.in_(REACHED_OUTCOMES), 1), else_=0)
    visits = (sa.select(Visit.elder_id, sa.func.count().label("n"),
                        sa.func.max(reached).label("reached"))
              .where(Visit.visited_at >= start, Visit.visited_at < end)
              .group_by(Visit.elder_id).subquery("elder_visits"))
    alerts = (sa.select(Alert.elder_id, sa.func.count().label("n"))
              .where(Alert.closed_at.is_(None)).group_by(Alert.elder_id)
              .subquery("elder_alerts"))
    if snapshot_id is None:
        elders = elder_villages(as_of)
    else:
        from welfare.reports.snapshots import elders as stored_elders

        elders = stored_elders(snapshot_id)
    groups = (elders.c.village_id, elders.c.care_level)
    stmt = (sa.select(*groups, sa.func.count(),
                      sa.func.coalesce(sa.func.sum(visits.c.reached), 0),
                      sa.func.coalesce(sa.func.sum(visits.c.n), 0),
                      sa.func.coalesce(sa.func.sum(alerts.c.n), 0))
            .select_from(elders)
            .outerjoin(visits, visits.c.elder_id == elders.c.elder_id)
            .outerjoin(alerts, alerts.c.elder_id == elders.c.elder_id)
            .group_by(*groups))
    return {(v, lv): (int(e), int(r), int(n), int(a))
            for v, lv, e, r, n, a in db.session.execute(stmt)
            if v is not None and (not village_ids or v in village_ids)}


def visits_by_month(period, village_ids=None):
    """{(year, month): contacts recorded}; elders' villages are looked up only to filter."""
    start, end = _span(period)
    extra = ()
    if village_ids:
        in_villages = (sa.select(IsolatedElder.id)
                       .join(Person, IsolatedElder.person_id == Person.id)
                       .where(Person.village_id.in_(sorted(village_ids))))
        extra = (Visit.elder_id.in_(in_villages),)
    return month_counts(Visit.visited_at, start, end - timedelta(microseconds=1), extra=extra)


# Relief deliveries ------------------------------------------------------------------------

def delivery_events(period):
    """Events past draft whose day falls in the period, latest first."""
    stmt = (sa.select(DeliveryEvent)
            .where(DeliveryEvent.status != "draft",
                   DeliveryEvent.event_date >= period.start,
                   DeliveryEvent.event_date <= period.end)
            .order_by(DeliveryEvent.event_date.desc(), DeliveryEvent.id.desc()))
    return db.session.scalars(stmt).all()


def delivery_outcomes(event_ids, village_ids=None):
    """{(event_id, village_id, outcome or None): stops}; None is not reported yet."""
    if not event_ids:
        return {}
    stop = DeliveryStop
    stmt = (sa.select(stop.event_id, stop.village_id, stop.outcome, sa.func.count(stop.id))
            .where(stop.event_id.in_(event_ids), _villages(stop.village_id, village_ids))
            .group_by(stop.event_id, stop.village_id, stop.outcome))
    return {(e, v, o): n for e, v, o, n in db.session.execute(stmt)}


def deliveries_by_month(period, village_ids=None):
    """{(year, month): stops served} by the event's day."""
    joined = sa.join(DeliveryStop, DeliveryEvent,
                     DeliveryStop.event_id == DeliveryEvent.id)
    return month_counts(DeliveryEvent.event_date, period.start, period.end,
                        extra=(DeliveryStop.outcome.in_(DONE_OUTCOMES),
                               DeliveryEvent.status != "draft"),
                        village_column=DeliveryStop.village_id, village_ids=village_ids,
                        select_from=joined)
