"""Read-only roster aggregates, grouped in SQL: a few hundred rows whatever the roster size."""

import sqlalchemy as sa

from welfare.extensions import db
from welfare.reports.rules import band_cutoffs
from welfare.roster.models import (
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
    Village,
)


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
    """A CASE expression giving each person's age-band label on a day."""
    whens = []
    for label, earliest, _latest in band_cutoffs(as_of):
        if earliest is None:
            whens.append((sa.true(), label))
        else:
            whens.append((Person.birth_date >= earliest, label))
    # Bands are checked youngest first: the first birth cut-off a person passes is theirs.
    return sa.case(*whens[:-1], else_=whens[-1][1])


def people_by_village_band_sex(as_of, village_ids=None):
    """{(village_id, band, sex): count} for people on the roster on `as_of`."""
    band = age_band_expr(as_of).label("band")
    stmt = (
        sa.select(Person.village_id, band, Person.sex, sa.func.count())
        .where(live_people(as_of), _in(Person.village_id, village_ids))
        .group_by(Person.village_id, band, Person.sex)
    )
    return {(v, b, s): n for v, b, s, n in db.session.execute(stmt)}


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


def low_income_people(as_of, village_ids=None):
    """{(village_id, kind): people} living in a household with a current status."""
    kinds = (
        sa.select(LowIncomeStatus.household_id, LowIncomeStatus.kind)
        .where(_current_status(as_of))
        .distinct()
        .subquery()
    )
    stmt = (
        sa.select(Person.village_id, kinds.c.kind, sa.func.count(sa.distinct(Person.id)))
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .join(kinds, kinds.c.household_id == HouseholdMember.household_id)
        .where(live_people(as_of), _in(Person.village_id, village_ids))
        .group_by(Person.village_id, kinds.c.kind)
    )
    return {(v, k): n for v, k, n in db.session.execute(stmt)}


def low_income_by_category(as_of, village_ids=None):
    """[(category code or None, households)] of current low-income (not mid-low) statuses."""
    stmt = (
        sa.select(LowIncomeCategory.code, sa.func.count(sa.distinct(Household.id)))
        .select_from(LowIncomeStatus)
        .join(Household, LowIncomeStatus.household_id == Household.id)
        .outerjoin(LowIncomeCategory, LowIncomeStatus.category_id == LowIncomeCategory.id)
        .where(_current_status(as_of), LowIncomeStatus.kind == "low",
               _in(Household.village_id, village_ids))
        .group_by(LowIncomeCategory.code)
        .order_by(LowIncomeCategory.code)
    )
    return [(code, n) for code, n in db.session.execute(stmt)]


def elders_by_village_level(as_of, village_ids=None):
    """{(village_id, care_level): count} of isolated elders on the register today."""
    stmt = (
        sa.select(Person.village_id, IsolatedElder.care_level, sa.func.count())
        .join(Person, IsolatedElder.person_id == Person.id)
        .where(IsolatedElder.active, live_people(as_of), _in(Person.village_id, village_ids))
        .group_by(Person.village_id, IsolatedElder.care_level)
    )
    return {(v, level): n for v, level, n in db.session.execute(stmt)}


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
    """{(year, month): low-income statuses} whose `column` day (begin or end) is in range."""
    joined = sa.join(LowIncomeStatus, Household, LowIncomeStatus.household_id == Household.id)
    return _month_counts(column, start, end, village_column=Household.village_id,
                         village_ids=village_ids, select_from=joined)


month_counts = _month_counts
