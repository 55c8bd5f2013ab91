"""Read-only roster selects: searches, lists and counts. The session narrows every one to
the acting scope (welfare.auth.scope); `user` arguments stay for the callers' sake."""

from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth import scope
from welfare.auth.queries import HOME_COUNTS
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import (
    DuplicateFlag,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeStatus,
    Person,
)
from welfare.roster.rules import birth_range_for_ages

CATEGORIES = ("senior", "low_income", "mid_low_income", "isolated_elder")


def villages():
    """The villages the acting scope covers (every one for the unrestricted)."""
    return db.session.scalars(sa.select(Village).where(scope.village_filter(Village.id))
                              .order_by(Village.code)).all()


def _current_status_households(kind, today):
    return sa.select(LowIncomeStatus.household_id).where(
        LowIncomeStatus.kind == kind,
        LowIncomeStatus.certified_from <= today,
        LowIncomeStatus.certified_until >= today,
    )


def people_stmt(filters, user, today=None):
    """The people matching a search form, newest registrations last."""
    today = today or date.today()
    stmt = sa.select(Person).where(Person.merged_into_id.is_(None))
    q = (filters.get("q") or "").strip()
    if q:
        number = idno.normalise(q)
        if len(number) >= 2 and number[0].isalpha() and number[1:].isalnum() \
                and any(c.isdigit() for c in number):
            stmt = stmt.where(Person.id_number.startswith(number))
        elif q.replace("-", "").replace(" ", "").isdigit():
            digits = q.replace("-", "").replace(" ", "")
            stmt = stmt.where(sa.or_(Person.phone.startswith(digits),
                                     Person.mobile.startswith(digits)))
        else:
            stmt = stmt.where(Person.name.startswith(q))
    if filters.get("address"):
        stmt = stmt.where(Person.address.contains(filters["address"].strip()))
    if filters.get("village"):
        stmt = stmt.join(Village, Person.village_id == Village.id).where(
            Village.code == filters["village"]
        )
    earliest, latest = birth_range_for_ages(filters.get("age_min"), filters.get("age_max"), today)
    if latest:
        stmt = stmt.where(Person.birth_date <= latest)
    if earliest:
        stmt = stmt.where(Person.birth_date >= earliest)
    category = filters.get("category")
    if category == "senior":
        stmt = stmt.where(Person.birth_date <= birth_range_for_ages(65, None, today)[1])
    elif category in ("low_income", "mid_low_income"):
        kind = "low" if category == "low_income" else "mid_low"
        stmt = stmt.where(
            Person.id.in_(
                sa.select(HouseholdMember.person_id).where(
                    HouseholdMember.household_id.in_(_current_status_households(kind, today))
                )
            )
        )
    elif category == "isolated_elder":
        stmt = stmt.where(
            Person.id.in_(sa.select(IsolatedElder.person_id).where(IsolatedElder.active))
        )
    if filters.get("status"):
        stmt = stmt.where(Person.status == filters["status"])
    return stmt.order_by(Person.name, Person.id)


# Counting a whole village (40,000 people) on every page costs more than the page itself, and
# counting a whole road (150,000 addresses) through the trigram index reads every match.
COUNT_CAP = 1_000


class AtLeast(int):
    """A count that stopped at its cap: shows as "1,000+"."""

    def __str__(self):
        return f"{int(self)}+"

    def __format__(self, spec):
        return f"{int(self):{spec}}+"


class Page:
    """One page of results, shaped like Flask-SQLAlchemy's Pagination for the templates."""

    def __init__(self, items, page, per_page, total):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        pages = max(1, -(-int(total) // per_page))
        self.pages = AtLeast(pages) if isinstance(total, AtLeast) else pages
        self.has_prev = page > 1
        self.has_next = page < pages
        self.prev_num = page - 1 if self.has_prev else None
        self.next_num = page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def search_people(filters, user, page=1, per_page=25):
    """A page of matching people; the total is exact up to COUNT_CAP, else AtLeast(COUNT_CAP)."""
    return paginate_stmt(people_stmt(filters, user), page, per_page)


# Names compare by code point on both databases (collation "C"), as Python's strings do.
NAME_ORDER = (Person.name, Person.id)


def paginate_stmt(stmt, page=1, per_page=25):
    """A page of `stmt` (a select of Person) in name order, with a capped total.

    The ids and names of the first COUNT_CAP + 1 matches come first, in no order: the
    planner finds them through the filters' own indexes (trigrams, prefixes, the scope's
    villages). When that is all of them, the page is sorted here and its 25 rows fetched by
    id; only when there are more does the database walk the name order, which then meets
    25 matches soon. (Walking it for a road outside the clerk's village read the village.)"""
    page = max(1, page or 1)
    start = (page - 1) * per_page
    custom_plans()
    found = db.session.execute(stmt.with_only_columns(Person.id, Person.name).order_by(None)
                               .limit(COUNT_CAP + 1)).all()
    if len(found) > COUNT_CAP:
        total, chosen = AtLeast(COUNT_CAP), stmt.limit(per_page).offset(start)
    else:
        in_order = sorted(found, key=lambda row: (row.name, row.id))
        ids = [row.id for row in in_order[start:start + per_page]]
        if not ids:
            return Page([], page, per_page, len(found))
        total, chosen = len(found), stmt.where(Person.id.in_(ids))
    items = db.session.scalars(chosen.order_by(None).order_by(*NAME_ORDER)).unique().all()
    return Page(items, page, per_page, total)


def custom_plans():
    """Plan this transaction's searches for their values: after five runs psycopg prepares a
    statement, and PostgreSQL's generic plan for `phone LIKE $1 || '%'` reads every row."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def households_stmt(filters, user, today=None):
    today = today or date.today()
    stmt = sa.select(Household)
    if filters.get("village"):
        stmt = stmt.join(Village, Household.village_id == Village.id).where(
            Village.code == filters["village"]
        )
    if filters.get("address"):
        stmt = stmt.where(Household.address.contains(filters["address"].strip()))
    category = filters.get("category")
    if category in ("low_income", "mid_low_income"):
        kind = "low" if category == "low_income" else "mid_low"
        stmt = stmt.where(Household.id.in_(_current_status_households(kind, today)))
    return stmt.order_by(Household.village_id, Household.id)


def elders_stmt(filters, user):
    stmt = sa.select(IsolatedElder).join(Person, IsolatedElder.person_id == Person.id)
    if filters.get("level"):
        stmt = stmt.where(IsolatedElder.care_level == int(filters["level"]))
    if filters.get("village"):
        stmt = stmt.join(Village, Person.village_id == Village.id).where(
            Village.code == filters["village"]
        )
    if filters.get("active", "1") == "1":
        stmt = stmt.where(IsolatedElder.active)
    return stmt.order_by(IsolatedElder.care_level.desc(), Person.name)


def expiring_statuses(user, today=None, days=60, village=None):
    """Low-income statuses ending within `days` (and not already renewed), of one village's
    households when `village` (a code) is given."""
    stmt = expiring_stmt(today, days)
    if village:
        stmt = stmt.join(Village, Household.village_id == Village.id).where(
            Village.code == village)
    return db.session.scalars(stmt).all()


def expiring_stmt(today=None, days=60):
    """The select of expiring_statuses (joined to Household), for counting by village."""
    today = today or date.today()
    later = sa.orm.aliased(LowIncomeStatus)
    renewed = sa.select(later.id).where(
        later.household_id == LowIncomeStatus.household_id,
        later.certified_from > LowIncomeStatus.certified_until,
    )
    stmt = (
        sa.select(LowIncomeStatus)
        .join(Household, LowIncomeStatus.household_id == Household.id)
        .where(
            LowIncomeStatus.certified_until >= today,
            LowIncomeStatus.certified_until <= today + timedelta(days=days),
            ~sa.exists(renewed),
        )
        .order_by(LowIncomeStatus.certified_until)
    )
    return stmt


def open_duplicates(user):
    stmt = (
        sa.select(DuplicateFlag)
        .join(Person, DuplicateFlag.person_a_id == Person.id)
        .where(DuplicateFlag.status == "open")
        .order_by(DuplicateFlag.id)
    )
    return db.session.scalars(stmt).all()


def counts(user, today=None):
    """Headline numbers for the home page."""
    today = today or date.today()
    live = sa.select(sa.func.count(Person.id)).where(
        Person.merged_into_id.is_(None), Person.status == "registered")
    seniors = live.where(Person.birth_date <= birth_range_for_ages(65, None, today)[1])
    low = sa.select(sa.func.count(Household.id)).where(
        Household.id.in_(_current_status_households("low", today)))
    elders = (sa.select(sa.func.count(IsolatedElder.id))
              .join(Person, IsolatedElder.person_id == Person.id)
              .where(IsolatedElder.active))
    return {
        "people": db.session.scalar(live),
        "seniors": db.session.scalar(seniors),
        "low_income": db.session.scalar(low),
        "elders": db.session.scalar(elders),
        "expiring": len(expiring_statuses(user, today)),
        "duplicates": len(open_duplicates(user)),
    }


HOME_COUNTS.append(counts)
