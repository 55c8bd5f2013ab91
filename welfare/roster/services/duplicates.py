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


def merge_duplicate(flag, keep, actor):
    """Fold the other record into `keep`: household, elder record and blanks move over;
    the other is marked merged and hidden, its history kept."""
    _require_open(flag)
    other = flag.person_b if keep.id == flag.person_a_id else flag.person_a
    if keep.id not in (flag.person_a_id, flag.person_b_id):
        raise ServiceError(_("Choose one of the two records to keep."))
    for key in ("phone", "mobile", "address", "registered_on", "neighbourhood"):
        if not getattr(keep, key) and getattr(other, key):
            setattr(keep, key, getattr(other, key))
    if other.membership and not keep.membership:
        other.membership.person_id = keep.id
    if other.elder and not keep.elder:
        other.elder.person_id = keep.id
    db.session.flush()
    other.merged_into_id = keep.id
    flag.status, flag.resolved_by_id, flag.resolved_at = "merged", actor.id, utcnow()
    audit.record("merge", actor=actor, entity=keep, summary=f"{other.id} -> {keep.id}",
                 before={"merged_person": other.id}, after={"kept_person": keep.id})
    audit.record("merged_into", actor=actor, entity=other, summary=f"{other.id} -> {keep.id}")


def _require_open(flag):
    if flag.status != "open":
        raise ServiceError(_("This pair has already been dealt with."))
