"""The changes kind (戶政異動): deaths, move-outs, move-ins and address changes from the
household-registration office, judged row by row and written in bulk in one transaction.

A death or move-out sets the person's status and its date; a move-in registers the person
again (or creates them when the file gives name and birth date); an address change updates
the address, and the village and 鄰 when given. Every change is an audit row, so the person's
history shows it. Re-importing a file changes nothing: rows already in force are "unchanged".

The rounds domain reacts to status changes through `signals.people_status_changed`
(sent inside the import's transaction after the people are written)."""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno, rocdate
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster import importer_write
from welfare.roster.feeds import common, signals
from welfare.roster.feeds.common import resolve_people
from welfare.roster.importer import COLUMNS as PEOPLE_COLUMNS
from welfare.roster.importer import (
    SEXES,
    SPACES,
    ImportResult,
    VillageFinder,
    _text,
    judge_id_number,
    parse_date,
    several_villages,
)
from welfare.roster.importer_read import ImportFileError, header_key, open_table
from welfare.roster.models import Person
from welfare.uploads import setting

COLUMNS = {
    "id_number": PEOPLE_COLUMNS["id_number"],
    "change": ("異動類別", "異動類型", "異動別", "異動種類", "異動", "change", "change_type",
               "change type"),
    "date": ("異動日期", "日期", "date", "change_date", "change date", "effective_date"),
    "new_address": ("新地址", "新住址", "遷入地址", "new_address", "new address",
                    *PEOPLE_COLUMNS["address"]),
    "village": PEOPLE_COLUMNS["village"] + ("新里別", "new_village"),
    "neighbourhood": PEOPLE_COLUMNS["neighbourhood"] + ("新鄰別", "new_neighbourhood"),
    "name": PEOPLE_COLUMNS["name"],
    "birth_date": PEOPLE_COLUMNS["birth_date"],
    "sex": PEOPLE_COLUMNS["sex"],
    "note": ("備註", "說明", "note", "notes", "remark", "remarks"),
}
REQUIRED = ("id_number", "change", "date")
HEADER_KEYS = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
CHANGES = ("death", "move_out", "move_in", "address_change")
WORDS = {
    "death": ("死亡", "死亡登記", "亡故", "death", "dead", "deceased", "died"),
    "move_out": ("遷出", "遷出登記", "遷出本區", "move_out", "moveout", "moved_out", "moved out",
                 "move out"),
    "move_in": ("遷入", "遷入登記", "遷入本區", "move_in", "movein", "moved_in", "moved in",
                "move in"),
    "address_change": ("住址變更", "地址變更", "住址異動", "地址異動", "住址遷移", "區內遷徙",
                       "address_change", "address change", "change of address"),
}
WORD_KEYS = {re.sub(r"[\s_\-]", "", w.lower()): change for change, words in WORDS.items()
             for w in words}
# What each change sets on the person (the keys compared for "unchanged").
ADDRESS_KEYS = ("village_id", "neighbourhood", "address")
SAMPLE = 50


def change_word(raw):
    """The change a cell names (death, move_out, move_in, address_change), or None."""
    return WORD_KEYS.get(re.sub(r"[\s_\-]", "", _text(raw).lower()))


def _date(raw, today):
    return parse_date(raw, _("Enter the date of the change."),
                      _("The date of the change cannot be in the future."), today)


def judge_row(cells, today, finder):
    """(data, errors) for one row given as {key: raw cell}, without the register."""
    data, errors = {}, []
    data["id_number"], message = judge_id_number(cells.get("id_number"))
    if message:
        errors.append(("id_number", message))
    word = _text(cells.get("change"))
    data["change"] = change_word(word)
    if not word:
        errors.append(("change", _("Enter the change: 死亡, 遷出, 遷入 or 住址變更.")))
    elif data["change"] is None:
        errors.append(("change", _("“%(value)s” is not a change this import knows; write "
                                   "死亡, 遷出, 遷入 or 住址變更.", value=word)))
    data["date"], message = _date(cells.get("date"), today)
    if message:
        errors.append(("date", message))
    address = SPACES.sub(" ", _text(cells.get("new_address")))
    if len(address) > 200:
        errors.append(("new_address", _("The address is longer than 200 characters.")))
    elif address:
        data["address"] = address
    elif data["change"] in ("move_in", "address_change"):
        errors.append(("new_address", _("Enter the new address for a move-in or an address "
                                        "change.")))
    village_text = _text(cells.get("village"))
    if village_text:
        data["village_id"], candidates = finder.resolve(village_text, data.get("address", ""))
        if candidates:
            errors.append(("village", several_villages(village_text, candidates)))
        elif data["village_id"] is None:
            errors.append(("village", _("“%(value)s” is not a village of the district.",
                                        value=village_text)))
    lin = _text(cells.get("neighbourhood")).removesuffix("鄰")
    if lin:
        if lin.isdigit() and 1 <= int(lin) <= 99:
            data["neighbourhood"] = int(lin)
        else:
            errors.append(("neighbourhood",
                           _("The neighbourhood (鄰) must be a whole number from 1 to 99.")))
    name = SPACES.sub(" ", _text(cells.get("name")))
    if len(name) > 60:
        errors.append(("name", _("The name is longer than 60 characters.")))
    elif name:
        data["name"] = name
    if _text(cells.get("birth_date")):
        data["birth_date"], message = parse_date(
            cells.get("birth_date"), None, _("The date of birth cannot be in the future."),
            today)
        if message:
            errors.append(("birth_date", message))
    sex = _text(cells.get("sex")).lower()
    if sex:
        if sex in SEXES:
            data["sex"] = SEXES[sex]
        else:
            errors.append(("sex", _("Write the sex as 男 or 女 (M or F).")))
    data["note"] = _text(cells.get("note"))[:200]
    return data, errors


EXAMPLE = "身分證字號, 異動類別, 異動日期, 新地址"


def context():
    return {"finder": VillageFinder(db.session.scalars(sa.select(Village)))}


def judge_table(table, result, on_progress=None, today=None):
    """Valid rows as (row number, data); rejected rows go into result.errors."""
    return common.judge_table(table, result, sys.modules[__name__], on_progress, today,
                              **context())


@dataclass
class Plan:
    creates: list = field(default_factory=list)  # (row, person row data, change data)
    # (row, current, {key: new value}, change data)
    updates: list = field(default_factory=list)


def _target(data, current):
    """({key: value} the change sets, None), or (None, (key, message)) when it cannot apply."""
    change, when = data["change"], data["date"]
    address = {k: data[k] for k in ADDRESS_KEYS if k in data}
    if current["status"] == "deceased" and change != "death":
        return None, ("change", _("This person is recorded as deceased; check the ID number."))
    if change in ("death", "move_out") and when < current["birth_date"]:
        return None, ("date", _("The date of the change is before the person's date of birth."))
    if change == "death":
        return {"status": "deceased", "status_date": when}, None
    if change == "move_out":
        return {"status": "moved_out", "status_date": when}, None
    if change == "move_in":
        return {"status": "registered", "status_date": None, "registered_on": when,
                **address}, None
    if current["status"] != "registered":
        return None, ("change", _("This person has moved out of the district; a return is "
                                  "recorded as 遷入 (move-in), not as an address change."))
    return address, None


def plan(valid, result, allowed_villages=()):
    """Compare the judged rows with the register: people to create, update, or leave."""
    existing = resolve_people([data["id_number"] for _, data in valid])
    planned = Plan()
    for row, data in valid:
        current = existing.get(data["id_number"])
        if data.get("village_id") and allowed_villages and \
                data["village_id"] not in allowed_villages:
            result.error(row, "village", _("You can only import people in your own villages."))
            continue
        if current is None:
            person = _new_person(row, data, result)
            if person is None:
                continue
            planned.creates.append((row, person, data))
            action = "create"
        elif allowed_villages and current["village_id"] not in allowed_villages:
            result.error(row, "id_number", _("This person is registered in a village you "
                                             "do not look after."))
            continue
        else:
            target, problem = _target(data, current)
            if problem:
                result.error(row, *problem)
                continue
            changes = {k: v for k, v in target.items() if current[k] != v}
            if changes:
                planned.updates.append((row, current, changes, data))
                action = "update"
                if len(result.update_sample) < SAMPLE:
                    result.update_sample.append({
                        "row": row, "name": current["name"],
                        "before": {k: current[k] for k in changes}, "after": changes})
            else:
                result.unchanged += 1
                action = "unchanged"
        result.valid += 1
        if len(result.valid_sample) < SAMPLE:
            shown = current or data
            result.valid_sample.append({
                "row": row, "action": action, "change": data["change"],
                "date": data["date"], "id_number": data["id_number"],
                "name": shown.get("name", ""), "birth_date": shown.get("birth_date"),
                "village_id": data.get("village_id", shown.get("village_id")),
                "neighbourhood": data.get("neighbourhood", shown.get("neighbourhood")),
                "address": data.get("address", shown.get("address", ""))})
    result.created = len(planned.creates)
    result.updated = len(planned.updates)
    return planned


def _new_person(row, data, result):
    """The person a move-in registers, or None (with the reason recorded)."""
    if data["change"] != "move_in":
        result.error(row, "id_number", _("This ID number is not on the register."))
        return None
    missing = [k for k in ("name", "birth_date", "village_id") if not data.get(k)]
    if missing:
        result.error(row, "id_number", _(
            "This ID number is not on the register. To register someone moving in, the row "
            "needs the name, date of birth, village (里) and new address."))
        return None
    if data["date"] < data["birth_date"]:
        result.error(row, "date", _("The date of the change is before the person's date of "
                                    "birth."))
        return None
    sex = data.get("sex") or idno.sex_of(data["id_number"])
    if sex is None:
        result.error(row, "sex", _("Enter the sex; this ID number does not show it."))
        return None
    return {"id_number": data["id_number"], "name": data["name"], "sex": sex,
            "birth_date": data["birth_date"], "village_id": data["village_id"],
            "neighbourhood": data.get("neighbourhood"), "address": data["address"],
            "registered_on": data["date"]}


CHANGE_NAMES = {"death": "死亡", "move_out": "遷出", "move_in": "遷入",
                "address_change": "住址變更"}


def _summary(name, data):
    text = f"{name}:{CHANGE_NAMES[data['change']]} {rocdate.format_roc(data['date'])}"
    return f"{text}({data['note']})" if data.get("note") else text


def _update_people(keys, params, now):
    """Set `keys` on the people of `params` ({id, key: value}). On PostgreSQL one UPDATE ...
    FROM unnest(arrays) per set of keys: 100,000 single-row UPDATEs cost three times more."""
    if not importer_write._is_postgres():
        for chunk in importer_write._chunks(params):
            db.session.execute(sa.update(Person), chunk)
        return
    table = Person.__table__
    columns = ("id", *keys)
    arrays = [sa.bindparam(f"values_{c}", [p[c] for p in params],
                           type_=postgresql.ARRAY(table.c[c].type)) for c in columns]
    given = sa.func.unnest(*arrays).table_valued(*columns).render_derived(name="given")
    db.session.execute(
        sa.update(table).where(table.c.id == given.c.id)
        .values({c: given.c[c] for c in keys} | {"updated_at": now}),
        execution_options={"synchronize_session": False})


def write(planned, result, actor):
    """Create and update people in bulk inside the caller's transaction, audit every change,
    and tell the listeners of `signals.people_status_changed`."""
    now = utcnow()
    user_id = getattr(actor, "id", None)
    ip = audit.request_ip()
    rows = [importer_write._person_row(person, now) for _, person, _data in planned.creates]
    new_ids = importer_write._insert_people(rows)
    audits = [audit.row_values("create", user_id, "people", pid, _summary(row["name"], data),
                               after={k: audit._plain(v) for k, v in row.items()
                                      if k not in ("created_at", "updated_at")},
                               at=now, ip=ip, village_id=row["village_id"])
              for pid, row, (_, _person, data) in zip(new_ids, rows, planned.creates,
                                                       strict=True)]
    by_keys = {}
    for _row, current, changes, _data in planned.updates:
        by_keys.setdefault(tuple(sorted(changes)), []).append(
            {"id": current["id"], "updated_at": now, **changes})
    for keys, params in by_keys.items():
        _update_people(keys, params, now)
    audits += [audit.row_values(
        "update", user_id, "people", current["id"], _summary(current["name"], data),
        before={k: audit._plain(current[k]) for k in changes},
        after={k: audit._plain(v) for k, v in changes.items()},
        at=now, ip=ip, village_id=changes.get("village_id", current["village_id"]))
        for _row, current, changes, data in planned.updates]
    importer_write._insert_audit(audits)
    importer_write._flag_duplicates(new_ids)
    audit.record(
        "import", actor=actor, entity_type="people",
        summary=_("%(file)s (household-registration changes): %(rows)s rows, %(created)s "
                  "added, %(updated)s changed, %(rejected)s rejected", file=result.filename,
                  rows=result.rows, created=result.created, updated=result.updated,
                  rejected=result.rows - result.valid),
        after={"kind": "changes", "file": result.filename, "rows": result.rows,
               "valid": result.valid, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "rejected": result.rows - result.valid},
    )
    db.session.flush()
    events = [signals.StatusEvent(pid, data["change"], data["date"])
              for pid, (_, _person, data) in zip(new_ids, planned.creates, strict=True)]
    events += [signals.StatusEvent(current["id"], data["change"], data["date"])
               for _row, current, changes, data in planned.updates
               if data["change"] != "address_change" or changes]
    if events:
        signals.people_status_changed.send(actor, events=events)


def import_file(path, dry_run=False, actor=None, filename=None, commit=True, on_progress=None):
    """Judge a change file and, unless a dry run, apply its valid rows in one transaction."""
    path = Path(path)
    result = ImportResult(filename=filename or path.name, dry_run=dry_run,
                          max_errors=setting("IMPORT_MAX_ERRORS"))
    allowed = actor.village_ids if actor is not None else set()
    try:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(_("The file could not be read: %(reason)s",
                                    reason=exc.strerror)) from exc
        table = open_table(data, result.filename, set(HEADER_KEYS))
        valid = judge_table(table, result, on_progress)
    except ImportFileError as exc:
        result.file_error = str(exc)
        result.errors, result.errors_more, result.rows = [], 0, 0
        result.error(1, None, result.file_error)
        return result
    planned = plan(valid, result, allowed)
    if not dry_run:
        try:
            write(planned, result, actor)
            if commit:
                db.session.commit()
        except Exception:
            if commit:
                db.session.rollback()
            raise
    result.errors.sort(key=lambda e: e["row"])
    return result
