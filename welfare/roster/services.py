"""Roster writers: people, households, low-income statuses, isolated elders."""

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import (
    PERSON_STATUSES,
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeStatus,
    Person,
)
from welfare.roster.rules import names_similar

PERSON_FIELDS = (
    "id_number", "name", "sex", "birth_date", "indigenous", "phone", "mobile", "village_id",
    "neighbourhood", "address", "registered_on", "status", "status_date", "notes",
)
ELDER_FIELDS = (
    "care_level", "assessed_on", "assessor", "living_situation", "health_notes",
    "sensitive_notes", "active", "inactive_reason",
)


def id_number_error(raw):
    """A user-facing message for a bad ID number, or None."""
    try:
        idno.validate(raw)
    except idno.InvalidIdNumber as exc:
        return {
            "empty": _("Enter the ID number."),
            "format": _("An ID number is one letter and nine digits, like A123456789."),
            "checksum": _("This ID number's check digit is wrong; check for a typo."),
        }[exc.code]
    return None


def _check_person(data, person=None):
    errors = []
    message = id_number_error(data.get("id_number"))
    if message:
        errors.append(("id_number", message))
    else:
        data["id_number"] = idno.normalise(data["id_number"])
        clash = db.session.scalar(
            sa.select(Person.id).where(Person.id_number == data["id_number"])
        )
        if clash and (person is None or clash != person.id):
            errors.append(("id_number", _("Someone with this ID number is already registered.")))
    if not (data.get("name") or "").strip():
        errors.append(("name", _("Enter the name.")))
    if data.get("birth_date") and data["birth_date"] > date.today():
        errors.append(("birth_date", _("The birth date cannot be in the future.")))
    if data.get("status") not in PERSON_STATUSES:
        errors.append(("status", _("Choose a status.")))
    elif data["status"] != "registered" and not data.get("status_date"):
        errors.append(("status_date", _("Enter the date of moving out or death.")))
    if db.session.get(Village, data.get("village_id") or 0) is None:
        errors.append(("village_id", _("Choose a village in Linyuan District.")))
    if errors:
        raise ServiceError(*errors)
    data["name"] = data["name"].strip()
    for key in ("phone", "mobile"):
        # Stored as digits (and an extension mark) so that searches by number match
        # however the number was typed: 07-641 2345, (07)6412345, 0912 345 678.
        if data.get(key):
            data[key] = re.sub(r"[^\d#]", "", data[key])
    if data["status"] == "registered":
        data["status_date"] = None


def create_person(data, actor):
    """Register a person; the ID number must be valid and new."""
    data = dict(data)
    _check_person(data)
    person = Person(**{k: data[k] for k in PERSON_FIELDS if k in data})
    db.session.add(person)
    db.session.flush()
    audit.record("create", actor=actor, entity=person, summary=person.name,
                 after=audit.snapshot(person, PERSON_FIELDS))
    flag_duplicates(person)
    return person


def update_person(person, data, actor):
    """Change a person's record, keeping the before and after in the audit log."""
    data = dict(data)
    _check_person(data, person)
    before = audit.snapshot(person, PERSON_FIELDS)
    for key in PERSON_FIELDS:
        if key in data:
            setattr(person, key, data[key])
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(person, PERSON_FIELDS))
    if new:
        audit.record("update", actor=actor, entity=person, summary=person.name,
                     before=old, after=new)
        flag_duplicates(person)
    return person


def reveal_id_number(person, actor):
    """Log that someone saw the full ID number."""
    audit.record("view_id", actor=actor, entity=person, summary=person.name)
    return person.id_number


def reveal_sensitive_notes(elder, actor):
    """Log that someone saw an isolated elder's health and other sensitive notes."""
    audit.record("view_sensitive", actor=actor, entity=elder, summary=elder.person.name)


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


# Households and low-income statuses

def create_household(data, actor):
    """Start a household at an address."""
    if db.session.get(Village, data.get("village_id") or 0) is None:
        raise ServiceError(("village_id", _("Choose a village in Linyuan District.")))
    household = Household(**data)
    db.session.add(household)
    db.session.flush()
    audit.record("create", actor=actor, entity=household, summary=household.address,
                 after=audit.snapshot(household, list(data)))
    return household


def add_member(household, person, relationship_to_head, actor, head=False):
    """Put a person in a household (a person belongs to one household)."""
    if person.membership is not None:
        raise ServiceError(("person", _("This person already belongs to a household.")))
    member = HouseholdMember(household=household, person=person,
                             relationship_to_head=relationship_to_head)
    db.session.add(member)
    if head or household.head_id is None:
        household.head_id = person.id
    db.session.flush()
    audit.record("add_member", actor=actor, entity=household, summary=person.name,
                 after={"person_id": person.id, "relationship": relationship_to_head})
    return member


def remove_member(member, actor):
    """Take a person out of their household."""
    household = member.household
    if household.head_id == member.person_id:
        household.head_id = None
    audit.record("remove_member", actor=actor, entity=household, summary=member.person.name,
                 before={"person_id": member.person_id})
    db.session.delete(member)
    db.session.flush()


def set_head(household, person, actor):
    """Make a member the head of the household."""
    if person.membership is None or person.membership.household_id != household.id:
        raise ServiceError(_("The head must be a member of the household."))
    before = {"head_id": household.head_id}
    household.head_id = person.id
    audit.record("update", actor=actor, entity=household, summary=person.name,
                 before=before, after={"head_id": person.id})


def add_low_income_status(household, kind, category, certified_from, certified_until, actor,
                          notes=""):
    """Record a certification period for 低收入戶 or 中低收入戶."""
    errors = []
    if kind not in ("low", "mid_low"):
        errors.append(("kind", _("Choose low-income or middle-to-low-income.")))
    if certified_until < certified_from:
        errors.append(("certified_until", _("The end date must be on or after the start date.")))
    if kind == "mid_low" and category is not None:
        errors.append(("category_id", _("Categories apply to low-income households only.")))
    for status in household.statuses:
        if status.certified_from <= certified_until and certified_from <= status.certified_until:
            errors.append(("certified_from", _("This period overlaps an existing one.")))
            break
    if errors:
        raise ServiceError(*errors)
    status = LowIncomeStatus(household=household, kind=kind, category=category,
                             certified_from=certified_from, certified_until=certified_until,
                             notes=notes)
    db.session.add(status)
    db.session.flush()
    audit.record("create", actor=actor, entity=status, summary=f"{kind} {household.id}",
                 after=audit.snapshot(status, ("household_id", "kind", "category_id",
                                               "certified_from", "certified_until")))
    return status


# Isolated elders

def create_elder(person, data, actor):
    """Put a person on the isolated-elder register."""
    if person.elder is not None:
        raise ServiceError(("person", _("This person is already on the register.")))
    _check_elder(data)
    elder = IsolatedElder(person=person, **{k: data[k] for k in ELDER_FIELDS if k in data})
    db.session.add(elder)
    db.session.flush()
    audit.record("create", actor=actor, entity=elder, summary=person.name,
                 after=audit.snapshot(elder, [k for k in ELDER_FIELDS if "notes" not in k]))
    return elder


def update_elder(elder, data, actor):
    """Change care level, assessment or status; sensitive notes are logged as changed only."""
    _check_elder(data)
    before = audit.snapshot(elder, ELDER_FIELDS)
    for key in ELDER_FIELDS:
        if key in data:
            setattr(elder, key, data[key])
    old, new = audit.changed(before, audit.snapshot(elder, ELDER_FIELDS))
    for key in ("health_notes", "sensitive_notes"):
        if key in new:
            old[key], new[key] = "…", _("(changed)")
    if new:
        audit.record("update", actor=actor, entity=elder, summary=elder.person.name,
                     before=old, after=new)
    return elder


def _check_elder(data):
    errors = []
    if data.get("care_level") not in (1, 2, 3, 4):
        errors.append(("care_level", _("Choose a care level from 1 to 4.")))
    if not data.get("active", True) and not (data.get("inactive_reason") or "").strip():
        errors.append(("inactive_reason", _("Say why the elder is no longer active.")))
    if errors:
        raise ServiceError(*errors)


def add_contact(elder, name, relation, phone, actor):
    """Add an emergency contact."""
    if not name.strip() or not phone.strip():
        raise ServiceError(("name", _("Enter the contact's name and phone.")))
    contact = EmergencyContact(elder=elder, name=name.strip(), relation=relation, phone=phone)
    db.session.add(contact)
    db.session.flush()
    audit.record("add_contact", actor=actor, entity=elder, summary=name)
    return contact


def remove_contact(contact, actor):
    """Remove an emergency contact."""
    audit.record("remove_contact", actor=actor, entity=contact.elder, summary=contact.name)
    db.session.delete(contact)
