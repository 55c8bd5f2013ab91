"""Possible duplicate people: finding them, and dismissing or merging a flagged pair."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import DuplicateFlag, Person
from welfare.roster.rules import names_similar


def duplicate_candidates(person):
    """People who may be the same as `person`: same name and birth date,
    or a similar name at the same address."""
    found = {}
    same = sa.select(Person).where(
        Person.id != person.id, Person.name == person.name,
        Person.birth_date == person.birth_date, Person.merged_into_id.is_(None),
    )
    for other in db.session.scalars(same):
        found[other.id] = (other, "name_birth")
    if person.address:
        near = sa.select(Person).where(
            Person.id != person.id, Person.village_id == person.village_id,
            Person.address == person.address, Person.merged_into_id.is_(None),
        )
        for other in db.session.scalars(near):
            if other.id not in found and names_similar(other.name, person.name) \
                    and other.name != person.name:
                found[other.id] = (other, "similar_name_address")
    return list(found.values())


def flag_duplicates(person):
    """Open a flag for each new candidate pair; never reopen a dismissed one."""
    flags = []
    for other, reason in duplicate_candidates(person):
        a, b = sorted((person.id, other.id))
        exists = db.session.scalar(
            sa.select(DuplicateFlag.id).where(
                DuplicateFlag.person_a_id == a, DuplicateFlag.person_b_id == b
            )
        )
        if not exists:
            flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason=reason)
            db.session.add(flag)
            flags.append(flag)
    db.session.flush()
    return flags


def dismiss_duplicate(flag, actor):
    """Staff decided the two records are different people."""
    _require_open(flag)
    flag.status, flag.resolved_by_id, flag.resolved_at = "dismissed", actor.id, utcnow()
    audit.record("dismiss_duplicate", actor=actor, entity=flag,
                 summary=f"{flag.person_a_id} / {flag.person_b_id}")


def _require_open(flag):
    if flag.status != "open":
        raise ServiceError(_("This pair has already been dealt with."))
