"""Roster writers for the isolated-elder register: enrolment, care level, contacts."""

from flask_babel import gettext as _

from welfare.auth import audit
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import EmergencyContact, IsolatedElder

ELDER_FIELDS = (
    "care_level", "assessed_on", "assessor", "living_situation", "health_notes",
    "sensitive_notes", "active", "inactive_reason",
)


def reveal_sensitive_notes(elder, actor):
    """Log that someone saw an isolated elder's health and other sensitive notes."""
    audit.record("view_sensitive", actor=actor, entity=elder, summary=elder.person.name)


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
