"""The low-income kind (低收入戶/中低收入戶 核定名冊): certification periods from the city's
list, one row per person, kept on the person's household (a household's statuses are what the
rounds, deliveries and the expiring list read).

A row's period updates the household's period of that kind which it overlaps (so a corrected
or re-sent list updates periods and a second import changes nothing), or starts a new one; a
household's periods of one kind never overlap (an exclusion constraint on PostgreSQL, checked
here on every database). Members of one household listed with the same period are one status.

`end_missing` (a date; `--end-missing` on the command line, a field on the web page) treats the
file as the full list of its kinds: a status of such a kind current on that date whose
household the file does not list ends on that date. It is never done unless asked, and not at
all when the file has rejected rows (their households would look missing)."""

import re
import sys
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.core import rocdate
from welfare.extensions import db
from welfare.roster.feeds import common
from welfare.roster.importer import COLUMNS as PEOPLE_COLUMNS
from welfare.roster.importer import _text, judge_id_number, parse_date
from welfare.roster.importer_read import header_key
from welfare.roster.models import Household, HouseholdMember, LowIncomeCategory, LowIncomeStatus

COLUMNS = {
    "id_number": PEOPLE_COLUMNS["id_number"],
    "kind": ("類別", "身分類別", "福利身分", "福利身分別", "身分別", "低收入戶別", "kind",
             "status", "type"),
    "grade": ("款別", "款", "類別款別", "grade", "class"),
    "certified_from": ("核定起日", "核定日期", "生效日期", "起日", "起始日期", "certified_from",
                       "certified from", "from", "start", "start_date"),
    "certified_until": ("核定迄日", "迄日", "到期日", "有效期限", "截止日期", "certified_until",
                        "certified until", "until", "end", "end_date"),
    "household_no": ("戶號", "戶籍編號", "household_no", "household number", "household"),
    "name": PEOPLE_COLUMNS["name"],
    "note": ("備註", "說明", "note", "notes", "remark", "remarks"),
}
REQUIRED = ("id_number", "kind", "certified_from", "certified_until")
HEADER_KEYS = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
EXAMPLE = "身分證字號, 類別, 款別, 核定起日, 核定迄日, 戶號"
WORDS = {
    "low": ("低收入戶", "低收入", "低收", "低", "low", "lowincome", "low_income"),
    "mid_low": ("中低收入戶", "中低收入", "中低收", "中低", "midlow", "mid_low",
                "middlelow", "middlelowincome", "nearlow", "nearlowincome"),
}
WORD_KEYS = {re.sub(r"[\s_\-]", "", w.lower()): kind for kind, words in WORDS.items()
             for w in words}
KIND_NAMES = {"low": "低收入戶", "mid_low": "中低收入戶"}
NUMERALS = str.maketrans("〇零一二三四五六七八九", "00123456789")
HOUSEHOLD_NO = re.compile(r"[A-Z0-9]{1,20}")


def kind_word(raw):
    return WORD_KEYS.get(re.sub(r"[\s_\-]", "", _text(raw).lower()))


def grade_number(raw):
    """第一款, 第1款, 一款, 1, 第1類, L1 -> 1; None when the cell names no number."""
    text = re.sub(r"^(第|l|level)|[款類类級]$", "", _text(raw).lower().translate(NUMERALS))
    return int(text) if text.isdigit() and len(text) == 1 else None


def household_no(raw):
    """(戶號 upper-cased without spaces, None) or (None, message)."""
    text = re.sub(r"\s", "", _text(raw)).upper()
    if text and not HOUSEHOLD_NO.fullmatch(text):
        return None, _("“%(value)s” is not a household number (戶號); it has letters and "
                       "digits only, like E1234567.", value=_text(raw))
    return text, None


def context():
    """Categories by their number: code L1 or name 第1類/第1款 (the table is configurable)."""
    numbers = {}
    for category in db.session.scalars(sa.select(LowIncomeCategory).where(
            LowIncomeCategory.active)):
        for text in (category.code, category.name_zh):
            number = grade_number(text)
            if number is not None:
                numbers.setdefault(number, category.id)
    return {"categories": numbers}


def judge_row(cells, today, categories):
    data, errors = {}, []
    data["id_number"], message = judge_id_number(cells.get("id_number"))
    if message:
        errors.append(("id_number", message))
    word = _text(cells.get("kind"))
    data["kind"] = kind_word(word)
    if not word:
        errors.append(("kind", _("Enter the kind: 低收入戶 or 中低收入戶.")))
    elif data["kind"] is None:
        errors.append(("kind", _("“%(value)s” is not a kind this import knows; write 低收入戶 "
                                 "or 中低收入戶.", value=word)))
    grade = _text(cells.get("grade"))
    data["category_id"] = None
    if grade:
        number = grade_number(grade)
        if data["kind"] == "mid_low":
            errors.append(("grade", _("Categories (款別) apply to 低收入戶 only.")))
        elif number is None or number not in categories:
            errors.append(("grade", _("“%(value)s” is not a category on file; write 第一款 to "
                                      "第四款 (see the categories page).", value=grade)))
        else:
            data["category_id"] = categories[number]
    data["certified_from"], message = parse_date(
        cells.get("certified_from"), _("Enter the date the certification starts (核定起日)."))
    if message:
        errors.append(("certified_from", message))
    data["certified_until"], message = parse_date(
        cells.get("certified_until"), _("Enter the date the certification ends (核定迄日)."))
    if message:
        errors.append(("certified_until", message))
    elif data["certified_from"] and data["certified_until"] < data["certified_from"]:
        errors.append(("certified_until", _("The end date must be on or after the start "
                                            "date.")))
    data["household_no"], message = household_no(cells.get("household_no"))
    if message:
        errors.append(("household_no", message))
    data["note"] = _text(cells.get("note"))[:200]
    return data, errors


@dataclass
class Plan:
    creates: list = field(default_factory=list)  # (row, person, values)
    updates: list = field(default_factory=list)  # (row, person, status id, before, after)
    ends: list = field(default_factory=list)  # (status id, household id, before, after)


def _memberships(person_ids):
    rows = db.session.execute(
        sa.select(HouseholdMember.person_id, Household.id, Household.household_no,
                  Household.village_id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.person_id.in_(person_ids))) if person_ids else []
    return {r[0]: {"id": r[1], "household_no": r[2], "village_id": r[3]} for r in rows}


def _statuses(household_ids):
    found = {}
    if not household_ids:
        return found
    for status in db.session.execute(
            sa.select(LowIncomeStatus.id, LowIncomeStatus.household_id, LowIncomeStatus.kind,
                      LowIncomeStatus.category_id, LowIncomeStatus.certified_from,
                      LowIncomeStatus.certified_until)
            .where(LowIncomeStatus.household_id.in_(household_ids))):
        found.setdefault((status.household_id, status.kind), []).append(status._asdict())
    return found


def _describe(data):
    text = f"{KIND_NAMES[data['kind']]} {rocdate.format_roc(data['certified_from'])}–" \
           f"{rocdate.format_roc(data['certified_until'])}"
    return text


def plan(valid, result, actor, end_missing=None):
    allowed = actor.village_ids if actor is not None else set()
    people = common.resolve_people([d["id_number"] for _, d in valid])
    homes = _memberships(sorted({p["id"] for p in people.values()}))
    working = _statuses(sorted({h["id"] for h in homes.values()}))
    claimed, listed, planned = {}, set(), Plan()
    for row, data in valid:
        current = people.get(data["id_number"])
        problem = common.person_problem(current, allowed)
        home = homes.get(current["id"]) if current else None
        if problem is None and home is None:
            problem = ("id_number", _("This person is in no household on file; import the "
                                      "households (戶籍) file first, or add them to a "
                                      "household."))
        if problem is None and data["household_no"] and \
                data["household_no"] != home["household_no"]:
            problem = ("household_no", _("This person is in household %(number)s, not "
                                         "%(given)s.", number=home["household_no"] or "—",
                                         given=data["household_no"]))
        if problem:
            result.error(row, *problem)
            continue
        key = (home["id"], data["kind"])
        wanted = {k: data[k] for k in ("category_id", "certified_from", "certified_until")}
        periods = working.setdefault(key, [])
        overlapping = [s for s in periods if s["certified_from"] <= data["certified_until"]
                       and data["certified_from"] <= s["certified_until"]]
        action = None
        taken = [s for s in overlapping if id(s) in claimed]
        if taken:
            first = taken[0]
            if len(overlapping) == 1 and all(first[k] == v for k, v in wanted.items()):
                action = "unchanged"  # another member of a household already listed
            else:
                result.error(row, "certified_from", _(
                    "This period overlaps the one in row %(row)s for the same household and "
                    "kind.", row=claimed[id(first)]))
                continue
        elif len(overlapping) > 1:
            result.error(row, "certified_from", _(
                "This period overlaps %(n)s certified periods on file for this household; "
                "correct them on the household page first.", n=len(overlapping)))
            continue
        elif overlapping:
            status = overlapping[0]
            changes = {k: v for k, v in wanted.items() if status[k] != v}
            if changes:
                before = {k: status[k] for k in changes}
                planned.updates.append((row, current, status.get("id"), before, changes))
                status.update(changes)
                action = "update"
                if len(result.update_sample) < common.SAMPLE:
                    result.update_sample.append({"row": row, "name": current["name"],
                                                 "before": before, "after": changes})
            else:
                action = "unchanged"
            claimed[id(status)] = row
        else:
            status = {"id": None, "household_id": home["id"], "kind": data["kind"],
                      "village_id": home["village_id"], **wanted}
            periods.append(status)
            claimed[id(status)] = row
            planned.creates.append((row, current, status, data))
            action = "create"
        listed.add(key)
        result.valid += 1
        if len(result.valid_sample) < common.SAMPLE:
            result.valid_sample.append({
                "row": row, "action": action, "id_number": data["id_number"],
                "name": current["name"], "detail": _describe(data),
                "household_no": home["household_no"]})
    if end_missing is not None:
        _plan_ends(planned, result, end_missing, listed, {d["kind"] for _, d in valid}, allowed)
    result.created = len(planned.creates)
    result.updated = len(planned.updates) + len(planned.ends)
    result.unchanged = result.valid - result.created - len(planned.updates)
    return planned


def _plan_ends(planned, result, on, listed, kinds, allowed):
    """Statuses of the file's kinds current on `on` whose household the file does not list."""
    result.ended = 0
    if result.rows != result.valid:
        result.error(1, "end_missing", _(
            "Statuses missing from the list were not ended, because some rows were rejected: "
            "their households would look missing. Fix those rows and import the file again."))
        return
    query = (sa.select(LowIncomeStatus.id, LowIncomeStatus.household_id, LowIncomeStatus.kind,
                       LowIncomeStatus.certified_until, Household.household_no)
             .join(Household, Household.id == LowIncomeStatus.household_id)
             .where(LowIncomeStatus.kind.in_(sorted(kinds)),
                    LowIncomeStatus.certified_from <= on, LowIncomeStatus.certified_until > on))
    if allowed:
        query = query.where(Household.village_id.in_(sorted(allowed)))
    for status in db.session.execute(query.order_by(LowIncomeStatus.id)):
        if (status.household_id, status.kind) in listed:
            continue
        planned.ends.append((status.id, status.household_id,
                             {"certified_until": status.certified_until},
                             {"certified_until": on}))
        if len(result.update_sample) < common.SAMPLE:
            result.update_sample.append({
                "row": None, "name": _("Household %(number)s (%(kind)s, not in the list)",
                                       number=status.household_no or status.household_id,
                                       kind=KIND_NAMES[status.kind]),
                "before": {"certified_until": status.certified_until},
                "after": {"certified_until": on}})
    result.ended = len(planned.ends)


SNAPSHOT = ("household_id", "kind", "category_id", "certified_from", "certified_until")


def write(planned, result, actor):
    """Create, change and end statuses inside the caller's transaction, each audited."""
    def plain(values):
        return {k: audit._plain(v) for k, v in values.items()}

    for status_id, _household_id, before, after in planned.ends:
        status = db.session.get(LowIncomeStatus, status_id)
        status.certified_until = after["certified_until"]
        audit.record("update", actor=actor, entity=status, summary=_(
            "Ended: not in the full list %(file)s", file=result.filename)[:300],
            before=plain(before), after=plain(after))
    for _row, person, status_id, before, after in planned.updates:
        status = db.session.get(LowIncomeStatus, status_id)
        for key, value in after.items():
            setattr(status, key, value)
        audit.record("update", actor=actor, entity=status, summary=person["name"],
                     before=plain(before), after=plain(after))
    db.session.flush()
    created = [LowIncomeStatus(household_id=values["household_id"], kind=values["kind"],
                               category_id=values["category_id"],
                               certified_from=values["certified_from"],
                               certified_until=values["certified_until"], notes=data["note"])
               for _row, _person, values, data in planned.creates]
    db.session.add_all(created)
    db.session.flush()  # one batch of inserts
    for status, (_row, person, values, _data) in zip(created, planned.creates, strict=True):
        audit.record("create", actor=actor, entity=status, summary=person["name"],
                     after=audit.snapshot(status, SNAPSHOT), village_id=values["village_id"])
    audit.record(
        "import", actor=actor, entity_type="low_income_statuses",
        summary=_("%(file)s (low-income list): %(rows)s rows, %(created)s added, %(updated)s "
                  "changed, %(rejected)s rejected", file=result.filename, rows=result.rows,
                  created=result.created, updated=result.updated,
                  rejected=result.rows - result.valid),
        after={"kind": "low-income", "file": result.filename, "rows": result.rows,
               "valid": result.valid, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "ended": getattr(result, "ended", 0),
               "rejected": result.rows - result.valid})
    db.session.flush()


def import_file(path, end_missing=None, **options):
    """Judge a low-income list and, unless a dry run, apply its valid rows in one
    transaction; with end_missing, end the statuses the list no longer names."""
    return common.run(sys.modules[__name__], path, end_missing=end_missing, **options)
