"""The data-quality page: per village, how many records lack what the office relies on
(a phone, the residence-since date, an elder's emergency contact or a recent assessment, an
exact position), how many wait on a duplicate decision, and how many households' statuses
end soon. Each count is one GROUP BY select; the session narrows it to the acting scope."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster import queries
from welfare.roster.models import (
    DuplicateFlag,
    EmergencyContact,
    Household,
    IsolatedElder,
    Person,
)

ASSESSMENT_DAYS = 365
EXPIRING_DAYS = 60


def _live():
    return sa.and_(Person.merged_into_id.is_(None), Person.status == "registered")


def _no_phone(today):
    return sa.and_(sa.func.coalesce(Person.phone, "") == "",
                   sa.func.coalesce(Person.mobile, "") == "")


def _no_registered_on(today):
    return Person.registered_on.is_(None)


def _elder_no_contact(today):
    contact = sa.select(EmergencyContact.id).where(EmergencyContact.elder_id == IsolatedElder.id)
    return Person.id.in_(sa.select(IsolatedElder.person_id)
                         .where(IsolatedElder.active, ~sa.exists(contact)))


def _elder_old_assessment(today):
    cutoff = today - timedelta(days=ASSESSMENT_DAYS)
    return Person.id.in_(sa.select(IsolatedElder.person_id).where(
        IsolatedElder.active,
        sa.or_(IsolatedElder.assessed_on.is_(None), IsolatedElder.assessed_on < cutoff)))


def _duplicate(today):
    open_flags = sa.select(DuplicateFlag).where(DuplicateFlag.status == "open")
    return sa.or_(
        Person.id.in_(open_flags.with_only_columns(DuplicateFlag.person_a_id)),
        Person.id.in_(open_flags.with_only_columns(DuplicateFlag.person_b_id)))


@dataclass(frozen=True)
class Check:
    key: str
    label: object
    where: object = None  # function(today) -> a condition on Person; None: households


CHECKS = [
    Check("no_phone", _l("No phone or mobile number"), _no_phone),
    Check("no_registered_on", _l("No residence-since date"), _no_registered_on),
    Check("elder_no_contact", _l("Isolated elders without an emergency contact"),
          _elder_no_contact),
    Check("elder_old_assessment", _l("Isolated elders not assessed within a year"),
          _elder_old_assessment),
    Check("duplicate", _l("People in unresolved suspected duplicates"), _duplicate),
    Check("expiring", _l("Households whose status expires within 60 days")),
]
BY_KEY = {c.key: c for c in CHECKS}
PERSON_CHECKS = [c.key for c in CHECKS if c.where is not None]


def add_check(check, before):
    """A check of a domain above the roster (delivery's approximate positions), put in the
    table before the column named `before`."""
    if check.key in BY_KEY:
        return
    CHECKS.insert([c.key for c in CHECKS].index(before), check)
    BY_KEY[check.key] = check
    PERSON_CHECKS[:] = [c.key for c in CHECKS if c.where is not None]


def counts(today=None):
    """{village_id: {check key: count}} for the villages in scope with anything to count,
    and the villages themselves in code order (every one in scope, counted or not)."""
    today = today or date.today()
    found = {}
    person_checks = [c for c in CHECKS if c.where is not None]
    # One pass over the people: a filtered count per check.
    people = (sa.select(Person.village_id,
                        *[sa.func.count(Person.id).filter(c.where(today)) for c in person_checks])
              .where(_live()).group_by(Person.village_id))
    for village_id, *numbers in db.session.execute(people):
        counted = {c.key: n for c, n in zip(person_checks, numbers, strict=True) if n}
        if counted:
            found.setdefault(village_id, {}).update(counted)
    households = (queries.expiring_stmt(today, EXPIRING_DAYS).order_by(None)
                  .with_only_columns(Household.village_id,
                                     sa.func.count(sa.distinct(Household.id)))
                  .group_by(Household.village_id))
    for village_id, n in db.session.execute(households):
        found.setdefault(village_id, {})["expiring"] = n
    return found, queries.villages()


def people_stmt(key, village_code=None, today=None):
    """The live people a person check finds, by name, of one village when given."""
    today = today or date.today()
    stmt = sa.select(Person).where(_live(), BY_KEY[key].where(today))
    if village_code:
        stmt = stmt.join(Village, Person.village_id == Village.id).where(
            Village.code == village_code)
    return stmt.order_by(Person.name, Person.id)
