"""Read-only roster aggregates, grouped in SQL: a few hundred rows whatever the roster size."""

import sqlalchemy as sa

from welfare.extensions import db
from welfare.geo.models import Village
from welfare.reports.rules import band_cutoffs, band_labels
from welfare.roster.models import Household, HouseholdMember, IsolatedElder, LowIncomeStatus, Person


def villages(village_ids=None):
    stmt = sa.select(Village).order_by(Village.code)
    if village_ids:
        stmt = stmt.where(Village.id.in_(village_ids))
    return db.session.scalars(stmt).all()


def _in(column, village_ids):
    return column.in_(sorted(village_ids)) if village_ids else sa.true()


def live_people(as_of):
    """Conditions for a person on the roster on a day (registered then, not merged)."""
    return sa.and_(
        Person.merged_into_id.is_(None),
        Person.birth_date <= as_of,
        sa.or_(Person.registered_on.is_(None), Person.registered_on <= as_of),
        sa.or_(Person.status == "registered",
               sa.and_(Person.status_date.is_not(None), Person.status_date > as_of)),
    )


def age_band_expr(as_of):
    """A CASE expression giving each person's age-band index (0 youngest) on a day; integers
    group and sort faster than text labels."""
    cutoffs = band_cutoffs(as_of)
    whens = [(Person.birth_date >= earliest, index)
             for index, (_label, earliest, _latest) in enumerate(cutoffs) if earliest is not None]
    return sa.case(*whens, else_=len(cutoffs) - 1)


def fast_aggregates():
    """On PostgreSQL, skip JIT compilation for this transaction: the dashboard's grouped
    counts each run in well under a second, and compiling them would cost more."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def people_counts(as_of, village_ids=None):
    """{(village_id, band, sex, low-income kind or None, care level or None): count} for
    people on the roster on `as_of`, in one scan of the people table. A household with two
    current statuses counts once, as low-income rather than mid-low-income."""
    fast_aggregates()
    kinds = (
        sa.select(HouseholdMember.person_id, sa.func.min(LowIncomeStatus.kind).label("kind"))
        .join(LowIncomeStatus, LowIncomeStatus.household_id == HouseholdMember.household_id)
        .where(_current_status(as_of))
        .group_by(HouseholdMember.person_id)
        .subquery()
    )
    elders = (sa.select(IsolatedElder.person_id, IsolatedElder.care_level)
              .where(IsolatedElder.active).subquery())
    band = age_band_expr(as_of).label("band")
    groups = (Person.village_id, band, Person.sex, kinds.c.kind, elders.c.care_level)
    stmt = (
        sa.select(*groups, sa.func.count())
        .select_from(Person)
        .outerjoin(kinds, kinds.c.person_id == Person.id)
        .outerjoin(elders, elders.c.person_id == Person.id)
        .where(live_people(as_of), _in(Person.village_id, village_ids))
        .group_by(*groups)
    )
    labels = band_labels()
    return {(v, labels[b], s, k, lv): n for v, b, s, k, lv, n in db.session.execute(stmt)}


def _regroup(counts, key_of):
    """The snapshot's cells added up by `key_of(village, band, sex, kind, level)`; cells
    whose key is None are left out."""
    result = {}
    for cell, n in counts.items():
        key = key_of(*cell)
        if key is not None:
            result[key] = result.get(key, 0) + n
    return result


def people_by_village_band_sex(as_of, village_ids=None, counts=None):
    """{(village_id, band, sex): count} for people on the roster on `as_of`."""
    if counts is None:  # an empty dict is a count too (no one there): never count wider
        counts = people_counts(as_of, village_ids)
    return _regroup(counts, lambda v, b, s, _k, _lv: (v, b, s))


def low_income_people(counts):
    """{(village_id, kind): people} living in a household with a current status."""
    return _regroup(counts, lambda v, _b, _s, kind, _lv: None if kind is None else (v, kind))


def elders_by_village_level(counts):
    """{(village_id, care_level): count} of isolated elders on the register today."""
    return _regroup(counts, lambda v, _b, _s, _k, level: None if level is None else (v, level))


def _current_status(as_of):
    return sa.and_(LowIncomeStatus.certified_from <= as_of,
                   LowIncomeStatus.certified_until >= as_of)


def low_income_households(as_of, village_ids=None):
    """{(village_id, kind): households} with a status current on `as_of`."""
    stmt = (
        sa.select(Household.village_id, LowIncomeStatus.kind,
                  sa.func.count(sa.distinct(Household.id)))
        .join(LowIncomeStatus, LowIncomeStatus.household_id == Household.id)
        .where(_current_status(as_of), _in(Household.village_id, village_ids))
        .group_by(Household.village_id, LowIncomeStatus.kind)
    )
    return {(v, k): n for v, k, n in db.session.execute(stmt)}


def _month_counts(column, start, end, extra=(), village_column=None, village_ids=None,
                  select_from=None):
    year = sa.extract("year", column)
    month = sa.extract("month", column)
    stmt = sa.select(year, month, sa.func.count()).where(column >= start, column <= end, *extra)
    if select_from is not None:
        stmt = stmt.select_from(select_from)
    if village_column is not None and village_ids:
        stmt = stmt.where(village_column.in_(sorted(village_ids)))
    stmt = stmt.group_by(year, month)
    return {(int(y), int(m)): n for y, m, n in db.session.execute(stmt)}


def statuses_by_month(column, start, end, village_ids=None):
    """{(year, month): low-income statuses} whose `column` day (begin or end) is in range;
    households are joined only to filter by village."""
    if not village_ids:
        return _month_counts(column, start, end)
    homes = sa.select(Household.id).where(Household.village_id.in_(sorted(village_ids)))
    return _month_counts(column, start, end, extra=(LowIncomeStatus.household_id.in_(homes),))


month_counts = _month_counts
