"""Read-only aggregates over the rounds, delivery and visits domains.

Each function is only called when its domain is installed (see `has`)."""

import importlib
import importlib.util
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from welfare.extensions import db
from welfare.reports.queries import live_people, month_counts
from welfare.roster.models import IsolatedElder, Person

# The table each domain's figures read first; absent until the domain's migration has run.
MAIN_TABLES = {"rounds": "gift_round_entries", "delivery": "delivery_stops", "visits": "visits"}
_tables = {}


def has(domain):
    """True when a domain's package and models are installed and its tables exist."""
    from welfare import installed_domains

    if domain not in installed_domains() or \
            importlib.util.find_spec(f"welfare.{domain}.models") is None:
        return False
    key = str(db.engine.url)
    if key not in _tables:
        _tables[key] = set(sa.inspect(db.session.connection()).get_table_names())
    return MAIN_TABLES[domain] in _tables[key]


def models(domain):
    return importlib.import_module(f"welfare.{domain}.models")


def _span(period):
    """[start, end) datetimes covering the period's days."""
    return (datetime.combine(period.start, time.min),
            datetime.combine(period.end + timedelta(days=1), time.min))


def _villages(column, village_ids):
    return column.in_(sorted(village_ids)) if village_ids else sa.true()


# Elder-gift rounds -------------------------------------------------------------------

def rounds_in_period(period):
    """Rounds past draft whose payout window (with late claims) overlaps the period."""
    m = models("rounds")
    last_day = sa.func.coalesce(m.Round.late_claim_end, m.Round.payout_end)
    stmt = (sa.select(m.Round)
            .where(m.Round.status != "draft", m.Round.payout_start <= period.end,
                   last_day >= period.start)
            .order_by(m.Round.payout_start.desc(), m.Round.id.desc()))
    return db.session.scalars(stmt).all()


def round_outcomes(round_ids, village_ids=None):
    """{(round_id, village_id, outcome or None): (entries, amount)}; None is not yet recorded."""
    if not round_ids:
        return {}
    m = models("rounds")
    entry, payout = m.RoundEntry, m.Payout
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
    m = models("rounds")
    from welfare.rounds.rules import PAID_OUTCOMES

    joined = sa.join(m.Payout, m.RoundEntry, m.Payout.entry_id == m.RoundEntry.id)
    return month_counts(m.Payout.paid_on, period.start, period.end,
                        extra=(m.Payout.reversed_at.is_(None),
                               m.Payout.outcome.in_(PAID_OUTCOMES)),
                        village_column=m.RoundEntry.village_id, village_ids=village_ids,
                        select_from=joined)


# Home visits ---------------------------------------------------------------------------

def _elders(as_of, village_ids):
    return sa.and_(IsolatedElder.active, live_people(as_of),
                   _villages(Person.village_id, village_ids))


def visit_coverage(period, as_of, village_ids=None):
    """{(village_id, care_level): (elders, reached, visits, open alerts)}."""
    m = models("visits")
    from welfare.visits.rules import REACHED_OUTCOMES

    start, end = _span(period)
    in_period = sa.and_(m.Visit.visited_at >= start, m.Visit.visited_at < end)
    base = (sa.select(Person.village_id, IsolatedElder.care_level)
            .select_from(IsolatedElder).join(Person, IsolatedElder.person_id == Person.id)
            .where(_elders(as_of, village_ids)))
    groups = (Person.village_id, IsolatedElder.care_level)
    elders = base.add_columns(sa.func.count(sa.distinct(IsolatedElder.id))).group_by(*groups)
    visits = (base.add_columns(sa.func.count(m.Visit.id))
              .join(m.Visit, m.Visit.elder_id == IsolatedElder.id)
              .where(in_period).group_by(*groups))
    reached = (base.add_columns(sa.func.count(sa.distinct(IsolatedElder.id)))
               .join(m.Visit, m.Visit.elder_id == IsolatedElder.id)
               .where(in_period, m.Visit.outcome.in_(REACHED_OUTCOMES)).group_by(*groups))
    alerts = (base.add_columns(sa.func.count(m.Alert.id))
              .join(m.Alert, m.Alert.elder_id == IsolatedElder.id)
              .where(m.Alert.closed_at.is_(None)).group_by(*groups))
    result = {}
    for index, stmt in enumerate((elders, reached, visits, alerts)):
        for village_id, level, n in db.session.execute(stmt):
            row = result.setdefault((village_id, level), [0, 0, 0, 0])
            row[index] = n
    return {key: tuple(row) for key, row in result.items()}


def visits_by_month(period, village_ids=None):
    m = models("visits")
    start, end = _span(period)
    joined = (sa.join(m.Visit, IsolatedElder, m.Visit.elder_id == IsolatedElder.id)
              .join(Person, IsolatedElder.person_id == Person.id))
    return month_counts(m.Visit.visited_at, start, end - timedelta(microseconds=1),
                        village_column=Person.village_id, village_ids=village_ids,
                        select_from=joined)


# Relief deliveries ------------------------------------------------------------------------

def delivery_events(period):
    """Events past draft whose day falls in the period, latest first."""
    m = models("delivery")
    stmt = (sa.select(m.DeliveryEvent)
            .where(m.DeliveryEvent.status != "draft",
                   m.DeliveryEvent.event_date >= period.start,
                   m.DeliveryEvent.event_date <= period.end)
            .order_by(m.DeliveryEvent.event_date.desc(), m.DeliveryEvent.id.desc()))
    return db.session.scalars(stmt).all()


def delivery_outcomes(event_ids, village_ids=None):
    """{(event_id, village_id, outcome or None): stops}; None is not reported yet."""
    if not event_ids:
        return {}
    m = models("delivery")
    stop = m.DeliveryStop
    stmt = (sa.select(stop.event_id, stop.village_id, stop.outcome, sa.func.count(stop.id))
            .where(stop.event_id.in_(event_ids), _villages(stop.village_id, village_ids))
            .group_by(stop.event_id, stop.village_id, stop.outcome))
    return {(e, v, o): n for e, v, o, n in db.session.execute(stmt)}


def deliveries_by_month(period, village_ids=None):
    """{(year, month): stops served} by the event's day."""
    m = models("delivery")
    from welfare.delivery.rules import DONE_OUTCOMES

    joined = sa.join(m.DeliveryStop, m.DeliveryEvent,
                     m.DeliveryStop.event_id == m.DeliveryEvent.id)
    return month_counts(m.DeliveryEvent.event_date, period.start, period.end,
                        extra=(m.DeliveryStop.outcome.in_(DONE_OUTCOMES),
                               m.DeliveryEvent.status != "draft"),
                        village_column=m.DeliveryStop.village_id, village_ids=village_ids,
                        select_from=joined)
