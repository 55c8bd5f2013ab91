"""Roster writers for people: register, change, and log who saw a whole ID number."""

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import PERSON_STATUSES, Person
from welfare.roster.services.duplicates import flag_duplicates

PERSON_FIELDS = (
    "id_number", "name", "sex", "birth_date", "indigenous", "phone", "mobile", "village_id",
    "neighbourhood", "address", "registered_on", "status", "status_date", "notes",
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
        errors.append(("village_id", _("Choose a village of the district.")))
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
