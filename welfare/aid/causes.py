"""Writers of the programme's data: the causes of emergency aid with their per-case limits,
and the programme's yearly limit per household. Each is audited."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid.models import AidCause, AidProgramme
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.errors import ServiceError
from welfare.extensions import db

CODE = re.compile(r"[a-z][a-z0-9_]{1,29}")


def _cause_values(cause):
    return {"name_zh": cause.name_zh, "name_en": cause.name_en,
            "max_amount": cause.max_amount, "active": cause.active}


def _check_names(data, cause_id=None):
    errors = []
    for field, message in (("name_zh", _("Enter the cause's name in Chinese.")),
                           ("name_en", _("Enter the cause's name in English."))):
        if not (data.get(field) or "").strip():
            errors.append((field, message))
            continue
        taken = db.session.scalar(sa.select(AidCause.id).where(
            sa.func.lower(getattr(AidCause, field)) == data[field].strip().lower(),
            AidCause.id != (cause_id or 0)))
        if taken:
            errors.append((field, _("Another cause already has this name.")))
    if not data.get("max_amount") or data["max_amount"] <= 0:
        errors.append(("max_amount", _("Enter the most one case may receive, above zero.")))
    return errors


def add_cause(data, actor):
    """A new cause with its per-case limit; its code (for files and statistics) is fixed."""
    code = (data.get("code") or "").strip().lower()
    errors = _check_names(data)
    if not CODE.fullmatch(code):
        errors.append(("code", _("Use 2 to 30 lower-case letters, digits or _ , starting "
                                 "with a letter.")))
    elif db.session.scalar(sa.select(AidCause.id).where(AidCause.code == code)):
        errors.append(("code", _("Another cause already has this code.")))
    if errors:
        raise ServiceError(*errors)
    cause = AidCause(code=code, name_zh=data["name_zh"].strip(),
                     name_en=data["name_en"].strip(), max_amount=data["max_amount"], active=True)
    db.session.add(cause)
    db.session.flush()
    audit.record("aid_cause_add", actor=actor, entity=cause, summary=f"{code} {cause.name_zh}",
                 after=_cause_values(cause))
    return cause


def update_cause(cause, data, actor):
    """Rename a cause, change its limit, or take it out of (or back into) use: its past
    cases keep it; a cause out of use is not offered to new applications."""
    errors = _check_names(data, cause.id)
    if errors:
        raise ServiceError(*errors)
    before = _cause_values(cause)
    cause.name_zh, cause.name_en = data["name_zh"].strip(), data["name_en"].strip()
    cause.max_amount, cause.active = data["max_amount"], bool(data["active"])
    db.session.flush()
    after = _cause_values(cause)
    if after != before:
        audit.record("aid_cause_edit", actor=actor, entity=cause,
                     summary=f"{cause.code} {cause.name_zh}", before=before, after=after)
    return cause


def set_limits(household_year_max, actor):
    """Set (or clear, with None) the most one household may receive in a calendar year."""
    if household_year_max is not None and household_year_max <= 0:
        raise ServiceError(("household_year_max",
                            _("Enter an amount above zero, or leave it empty for no limit.")))
    programme = db.session.get(AidProgramme, 1)
    if programme is None:
        programme = AidProgramme(id=1)
        db.session.add(programme)
    before = programme.household_year_max
    programme.household_year_max = household_year_max
    programme.updated_by_id, programme.updated_at = actor.id, utcnow()
    db.session.flush()
    audit.record("aid_limits", actor=actor, entity=programme,
                 summary=f"{household_year_max or '-'}",
                 before={"household_year_max": before},
                 after={"household_year_max": household_year_max})
    return programme
