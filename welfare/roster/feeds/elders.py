"""The elders kind (獨居老人名冊): the isolated-elder register from the city's list: care level
(1-4), assessment date and assessor, living situation, and emergency contacts.

A person not yet on the elder register is enrolled; one already on it has the fields the row
gives updated (blank cells never erase). Emergency contacts are added when their phone number is
not already on file; contacts are never removed by an import (a list without them is not proof
they are gone). Several contacts go in one cell separated by ；/;/、 or a new line, or in
repeated columns (緊急聯絡人2, 緊急聯絡人電話2, ...); names and phones pair up in order, and a
name may carry the relationship in brackets: 王小明(子)."""

import re
import sys
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.forms import phone_is_valid
from welfare.roster import importer_write
from welfare.roster.feeds import common
from welfare.roster.importer import COLUMNS as PEOPLE_COLUMNS
from welfare.roster.importer import NON_DIGITS, SPACES, _text, judge_id_number, parse_date
from welfare.roster.importer_read import header_key
from welfare.roster.models import EmergencyContact, IsolatedElder

CONTACT_SLOTS = (1, 2, 3)


def _contact_columns(slot):
    suffix = "" if slot == 1 else str(slot)
    english = "" if slot == 1 else f"_{slot}"
    names = [f"緊急聯絡人{suffix}", f"緊急聯絡人姓名{suffix}", f"聯絡人{suffix}",
             f"emergency_contact{english}", f"contact_name{english}", f"contact{english}"]
    phones = [f"緊急聯絡人電話{suffix}", f"緊急聯絡電話{suffix}", f"聯絡人電話{suffix}",
              f"聯絡電話{suffix}", f"emergency_phone{english}", f"contact_phone{english}"]
    if slot == 1:
        names += ["緊急聯絡人1", "緊急聯絡人姓名1", "contact_name_1"]
        phones += ["緊急聯絡人電話1", "緊急聯絡電話1", "contact_phone_1"]
    return {f"contact_name_{slot}": tuple(names), f"contact_phone_{slot}": tuple(phones)}


COLUMNS = {
    "id_number": PEOPLE_COLUMNS["id_number"],
    "care_level": ("照顧等級", "關懷等級", "等級", "分級", "care_level", "care level", "level"),
    "assessed_on": ("評估日期", "評估日", "assessed_on", "assessed on", "assessment_date"),
    "assessor": ("評估人", "評估人員", "assessor"),
    "living_situation": ("居住狀況", "居住情形", "living_situation", "living situation"),
    "name": PEOPLE_COLUMNS["name"],
    **{k: v for slot in CONTACT_SLOTS for k, v in _contact_columns(slot).items()},
}
REQUIRED = ("id_number", "care_level")
HEADER_KEYS = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
EXAMPLE = "身分證字號, 照顧等級, 評估日期, 評估人, 居住狀況, 緊急聯絡人, 緊急聯絡人電話"
NUMERALS = str.maketrans("一二三四", "1234")
SEPARATORS = re.compile(r"[;、/\n]+")  # NFKC turns ； into ;
RELATION = re.compile(r"^(.*?)\s*\((.{1,30})\)$")  # NFKC turns （） into ()
FIELDS = ("care_level", "assessed_on", "assessor", "living_situation")


def context():
    return {}


def care_level(raw):
    """1-4 from 1, 第1級, 一級, L2, level 3; None otherwise."""
    text = re.sub(r"^(第|l|level)|[級级]$", "", _text(raw).lower().replace(" ", "")
                  .translate(NUMERALS))
    return int(text) if text in ("1", "2", "3", "4") else None


def _split(raw):
    return [part.strip() for part in SEPARATORS.split(_text(raw)) if part.strip()]


def _contacts(cells, errors):
    contacts = []
    for slot in CONTACT_SLOTS:
        names = _split(cells.get(f"contact_name_{slot}"))
        raw_phone = cells.get(f"contact_phone_{slot}")
        phones = _split(raw_phone)
        if isinstance(raw_phone, int | float) and len(phones) == 1 and \
                re.fullmatch(r"9\d{8}", phones[0]):
            phones = ["0" + phones[0]]  # a spreadsheet dropped the mobile number's leading 0
        key = f"contact_phone_{slot}"
        if len(names) != len(phones):
            errors.append((key if names else f"contact_name_{slot}", _(
                "%(names)s emergency contact names but %(phones)s phone numbers; give each "
                "contact a name and a phone, in the same order.", names=len(names),
                phones=len(phones))))
            continue
        for name, phone in zip(names, phones, strict=True):
            relation = ""
            match = RELATION.match(name)
            if match:
                name, relation = match.group(1).strip(), match.group(2).strip()
            if not phone_is_valid(phone) or len(phone) > 30:
                errors.append((key, _("%(number)s is not a phone number.", number=phone)))
            elif len(name) > 60:
                errors.append((f"contact_name_{slot}", _("The contact's name is longer than "
                                                         "60 characters.")))
            else:
                contacts.append({"name": SPACES.sub(" ", name), "relation": relation,
                                 "phone": phone})
    return contacts


def judge_row(cells, today):
    data, errors = {}, []
    data["id_number"], message = judge_id_number(cells.get("id_number"))
    if message:
        errors.append(("id_number", message))
    level = _text(cells.get("care_level"))
    data["care_level"] = care_level(level)
    if not level:
        errors.append(("care_level", _("Enter the care level, 1 to 4.")))
    elif data["care_level"] is None:
        errors.append(("care_level", _("“%(value)s” is not a care level; write 1, 2, 3 or 4.",
                                       value=level)))
    if _text(cells.get("assessed_on")):
        data["assessed_on"], message = parse_date(
            cells.get("assessed_on"), None, _("The assessment date cannot be in the future."),
            today)
        if message:
            errors.append(("assessed_on", message))
    for key, limit in (("assessor", 60), ("living_situation", 200)):
        text = SPACES.sub(" ", _text(cells.get(key)))
        if len(text) > limit:
            errors.append((key, _("This is longer than %(n)s characters.", n=limit)))
        elif text:
            data[key] = text
    data["contacts"] = _contacts(cells, errors)
    return data, errors


@dataclass
class Plan:
    creates: list = field(default_factory=list)  # (row, person, values, contacts)
    updates: list = field(default_factory=list)  # (row, person, elder id, before, after)
    contacts: list = field(default_factory=list)  # (person, elder id or None, contact)


def _elders(person_ids):
    found = {}
    if person_ids:
        for elder in db.session.execute(sa.select(
                IsolatedElder.id, IsolatedElder.person_id, *[getattr(IsolatedElder, k)
                                                             for k in FIELDS])
                .where(IsolatedElder.person_id.in_(person_ids))):
            found[elder.person_id] = {**elder._asdict(), "phones": set()}
        ids = {e["id"]: e for e in found.values()}
        for contact in db.session.execute(sa.select(
                EmergencyContact.elder_id, EmergencyContact.phone)
                .where(EmergencyContact.elder_id.in_(list(ids)))):
            ids[contact.elder_id]["phones"].add(NON_DIGITS.sub("", contact.phone))
    return found


def plan(valid, result, actor):
    allowed = actor.village_ids if actor is not None else set()
    people = common.resolve_people([d["id_number"] for _, d in valid])
    elders = _elders(sorted({p["id"] for p in people.values()}))
    planned = Plan()
    for row, data in valid:
        current = people.get(data["id_number"])
        problem = common.person_problem(current, allowed)
        if problem:
            result.error(row, *problem)
            continue
        elder = elders.get(current["id"])
        values = {k: data[k] for k in FIELDS if k in data}
        known = set(elder["phones"]) if elder else set()
        new_contacts = []
        for contact in data["contacts"]:
            digits = NON_DIGITS.sub("", contact["phone"])
            if digits not in known:
                known.add(digits)
                new_contacts.append(contact)
        if elder is None:
            planned.creates.append((row, current, values, new_contacts))
            action = "create"
            result.created += 1
        else:
            changes = {k: v for k, v in values.items() if elder[k] != v}
            if changes:
                before = {k: elder[k] for k in changes}
                planned.updates.append((row, current, elder["id"], before, changes))
                if len(result.update_sample) < common.SAMPLE:
                    result.update_sample.append({"row": row, "name": current["name"],
                                                 "before": before, "after": changes})
            planned.contacts += [(current, elder["id"], c) for c in new_contacts]
            if new_contacts and not changes and len(result.update_sample) < common.SAMPLE:
                result.update_sample.append({
                    "row": row, "name": current["name"], "before": {"contacts": ""},
                    "after": {"contacts": "、".join(f"{c['name']} {c['phone']}"
                                                    for c in new_contacts)}})
            action = "update" if changes or new_contacts else "unchanged"
            if action == "update":
                result.updated += 1
            else:
                result.unchanged += 1
        result.valid += 1
        if len(result.valid_sample) < common.SAMPLE:
            detail = _("Level %(level)s", level=data["care_level"])
            if data["contacts"]:
                detail += " · " + "、".join(c["name"] for c in data["contacts"])
            result.valid_sample.append({"row": row, "action": action,
                                        "id_number": data["id_number"],
                                        "name": current["name"], "detail": detail})
    return planned


def write(planned, result, actor):
    """Enrol, update and add contacts inside the caller's transaction, each audited."""
    def plain(values):
        return {k: audit._plain(v) for k, v in values.items()}

    now, user_id, ip = utcnow(), getattr(actor, "id", None), audit.request_ip()
    enrolled = [IsolatedElder(person_id=person["id"], **values)
                for _row, person, values, _contacts in planned.creates]
    db.session.add_all(enrolled)
    db.session.flush()  # one batch of inserts
    audits = []
    for elder, (_row, person, values, contacts) in zip(enrolled, planned.creates, strict=True):
        audits.append(audit.row_values("create", user_id, "isolated_elders", elder.id,
                                       person["name"], after=plain(values), at=now, ip=ip,
                                       village_id=person["village_id"]))
        planned.contacts += [(person, elder.id, c) for c in contacts]
    for _row, person, elder_id, before, after in planned.updates:
        elder = db.session.get(IsolatedElder, elder_id)
        for key, value in after.items():
            setattr(elder, key, value)
        audits.append(audit.row_values("update", user_id, "isolated_elders", elder_id,
                                       person["name"], before=plain(before), after=plain(after),
                                       at=now, ip=ip, village_id=person["village_id"]))
    db.session.flush()
    rows = [{"elder_id": elder_id, **contact} for _person, elder_id, contact in planned.contacts]
    for chunk in importer_write._chunks(rows):
        db.session.execute(sa.insert(EmergencyContact), chunk)
    audits += [audit.row_values("add_contact", user_id, "isolated_elders", elder_id,
                                f"{person['name']}:{contact['name']}"[:300], at=now, ip=ip,
                                village_id=person["village_id"])
               for person, elder_id, contact in planned.contacts]
    importer_write._insert_audit(audits)
    audit.record(
        "import", actor=actor, entity_type="isolated_elders",
        summary=_("%(file)s (isolated elders): %(rows)s rows, %(created)s added, %(updated)s "
                  "changed, %(rejected)s rejected", file=result.filename, rows=result.rows,
                  created=result.created, updated=result.updated,
                  rejected=result.rows - result.valid),
        after={"kind": "elders", "file": result.filename, "rows": result.rows,
               "valid": result.valid, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "contacts_added": len(planned.contacts),
               "rejected": result.rows - result.valid})
    db.session.flush()


def import_file(path, **options):
    """Judge an isolated-elder list and, unless a dry run, apply its valid rows in one
    transaction."""
    return common.run(sys.modules[__name__], path, **options)
