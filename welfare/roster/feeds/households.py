"""The households kind (戶籍): who lives in which household (戶號), their relationship to the
head (稱謂) and who the head (戶長) is.

A person is in one household at a time (household_members.person_id is unique) and a household
has one head (households.head_id; a person heads one household at a time, a unique index). A
row naming a person who is in another household moves them: the old membership ends, the new
one starts, and the move is kept in household_moves and the audit log. A 戶號 not yet on file
starts a household at the address of its head (or of its first member in the file). Members
missing from a file are left as they are (files are often partial), unless the file is a full
export and its date is given (`end_missing`): then the households it names lose the members it
no longer lists (feeds.household_removals). Re-importing a file changes nothing."""

import sys
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.roster import importer_write
from welfare.roster.feeds import common, household_removals
from welfare.roster.feeds.low_income import household_no
from welfare.roster.importer import COLUMNS as PEOPLE_COLUMNS
from welfare.roster.importer import SPACES, _text, judge_id_number
from welfare.roster.importer_read import header_key
from welfare.roster.models import Household, HouseholdMember, HouseholdMove

COLUMNS = {
    "household_no": ("戶號", "戶籍編號", "household_no", "household number", "household"),
    "id_number": PEOPLE_COLUMNS["id_number"],
    "relationship": ("稱謂", "與戶長關係", "與戶長之關係", "關係", "relationship",
                     "relationship_to_head", "relation"),
    "head": ("戶長", "是否戶長", "戶長註記", "head", "is_head", "head of household"),
    "name": PEOPLE_COLUMNS["name"],
    "note": ("備註", "說明", "note", "notes", "remark", "remarks"),
}
REQUIRED = ("household_no", "id_number")
HEADER_KEYS = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
EXAMPLE = "戶號, 身分證字號, 稱謂, 戶長"
YES = {"是", "y", "yes", "1", "true", "t", "v", "✓", "✔", "○", "戶長", "head"}
NO = {"否", "n", "no", "0", "false", "f", "x", "-"}
HEAD_WORDS = {"戶長", "本人", "head", "self"}


def context():
    return {}


def judge_row(cells, today):
    data, errors = {}, []
    data["household_no"], message = household_no(cells.get("household_no"))
    if message:
        errors.append(("household_no", message))
    elif not data["household_no"]:
        errors.append(("household_no", _("Enter the household number (戶號).")))
    data["id_number"], message = judge_id_number(cells.get("id_number"))
    if message:
        errors.append(("id_number", message))
    relationship = SPACES.sub("", _text(cells.get("relationship")))
    if len(relationship) > 20:
        errors.append(("relationship", _("The relationship (稱謂) is longer than 20 "
                                         "characters.")))
    data["relationship"] = relationship
    flag = _text(cells.get("head")).lower()
    if flag in YES:
        data["head"] = True
    elif flag in NO or not flag:
        data["head"] = relationship.lower() in HEAD_WORDS
        if flag and data["head"]:
            errors.append(("head", _("The relationship says 戶長 but the head column says "
                                     "no; correct one of them.")))
    else:
        errors.append(("head", _("“%(value)s” is not a yes or no; write 是 or 否 (Y or N) for "
                                 "the head of household.", value=_text(cells.get("head")))))
    data["note"] = _text(cells.get("note"))[:200]
    return data, errors


@dataclass
class Plan:
    new_households: dict = field(default_factory=dict)  # household_no -> values
    joins: list = field(default_factory=list)  # (row, person, household_no, relationship)
    moves: list = field(default_factory=list)  # (row, person, old membership, no, relationship)
    relationships: list = field(default_factory=list)  # (row, person, membership, new)
    heads: dict = field(default_factory=dict)  # household_no -> (row, person)
    removals: list = field(default_factory=list)  # (household_no, membership): not in a full file


def _households(numbers):
    found = {}
    if numbers:
        for h in db.session.execute(
                sa.select(Household.id, Household.household_no, Household.village_id,
                          Household.head_id).where(Household.household_no.in_(numbers))):
            found.setdefault(h.household_no, []).append(h._asdict())
    return found


def _memberships(person_ids):
    found = {}
    if person_ids:
        for m in db.session.execute(
                sa.select(HouseholdMember.id, HouseholdMember.person_id,
                          HouseholdMember.household_id, HouseholdMember.relationship_to_head,
                          Household.household_no, Household.head_id, Household.village_id)
                .join(Household, Household.id == HouseholdMember.household_id)
                .where(HouseholdMember.person_id.in_(person_ids))):
            found[m.person_id] = m._asdict()
    return found


def plan(valid, result, actor, end_missing=None):
    allowed = actor.village_ids if actor is not None else set()
    people = common.resolve_people([d["id_number"] for _, d in valid])
    households = _households(sorted({d["household_no"] for _, d in valid}))
    members = _memberships(sorted({p["id"] for p in people.values()}))
    planned, first_row, listed = Plan(), {}, {}
    for row, data in valid:
        number, current = data["household_no"], people.get(data["id_number"])
        problem = common.person_problem(current, allowed)
        existing = households.get(number, [])
        if problem is None and len(existing) > 1:
            problem = ("household_no", _("%(n)s households on file have the number %(number)s; "
                                         "merge them on the households page first.",
                                         n=len(existing), number=number))
        if problem is None and existing and allowed and existing[0]["village_id"] not in allowed:
            problem = ("household_no", _("This household is in a village you do not look "
                                         "after."))
        if problem is None and data["head"] and number in planned.heads:
            problem = ("head", _("Row %(row)s already names the head of household %(number)s; "
                                 "a household has one head.", row=planned.heads[number][0],
                                 number=number))
        if problem:
            result.error(row, *problem)
            continue
        household = existing[0] if existing else None
        if household is None and number not in planned.new_households:
            planned.new_households[number] = {"household_no": number, "row": row,
                                              "from": current}
        if data["head"] and (household is None or household["head_id"] != current["id"]):
            planned.heads[number] = (row, current)
        elif data["head"]:
            planned.heads[number] = (row, None)  # already the head: nothing to do
        if data["head"] and household is None:  # a new household takes its head's address
            planned.new_households[number]["from"] = current
        membership = members.get(current["id"])
        if membership is None:
            planned.joins.append((row, current, number, data["relationship"]))
            action = "create"
        elif membership["household_no"] != number or household is None:
            planned.moves.append((row, current, membership, number, data["relationship"]))
            action = "update"
            if len(result.update_sample) < common.SAMPLE:
                result.update_sample.append({
                    "row": row, "name": current["name"],
                    "before": {"household_no": membership["household_no"]},
                    "after": {"household_no": number}})
        elif data["relationship"] and data["relationship"] != membership["relationship_to_head"]:
            planned.relationships.append((row, current, membership, data["relationship"]))
            action = "update"
            if len(result.update_sample) < common.SAMPLE:
                result.update_sample.append({
                    "row": row, "name": current["name"],
                    "before": {"relationship": membership["relationship_to_head"]},
                    "after": {"relationship": data["relationship"]}})
        elif data["head"] and household["head_id"] != current["id"]:
            action = "update"
            if len(result.update_sample) < common.SAMPLE:
                result.update_sample.append({"row": row, "name": current["name"],
                                             "before": {"head": False},
                                             "after": {"head": True}})
        else:
            action = "unchanged"
        first_row.setdefault(number, row)
        if household is not None:
            listed[number] = household["id"]
        result.valid += 1
        if action == "create":
            result.created += 1
        elif action == "update":
            result.updated += 1
        else:
            result.unchanged += 1
        if len(result.valid_sample) < common.SAMPLE:
            detail = f"{number} {data['relationship']}".strip()
            result.valid_sample.append({
                "row": row, "action": action, "id_number": data["id_number"],
                "name": current["name"], "household_no": number,
                "detail": detail + (" · " + _("head") if data["head"] else "")})
    planned.heads = {k: v for k, v in planned.heads.items() if v[1] is not None}
    if end_missing is not None:
        named = {people[d["id_number"]]["id"] for _, d in valid if people.get(d["id_number"])}
        household_removals.plan(planned, result, end_missing, named, listed)
        result.updated += len(planned.removals)
    return planned


def write(planned, result, actor):
    """Households, memberships, moves and heads inside the caller's transaction, audited."""
    source = result.filename[:200]
    db.session.flush()
    household_removals.write(planned, result, actor)  # before the heads below are set
    by_no = {}
    for number, values in planned.new_households.items():
        person = values["from"]
        by_no[number] = Household(household_no=number, village_id=person["village_id"],
                                  neighbourhood=person["neighbourhood"],
                                  address=person["address"])
    db.session.add_all(by_no.values())
    db.session.flush()  # one batch of inserts
    for number, household in by_no.items():
        audit.record("create", actor=actor, entity=household, summary=f"{number} "
                     f"{household.address}"[:300],
                     after=audit.snapshot(household, ("household_no", "village_id",
                                                      "neighbourhood", "address")))
    wanted = set(by_no) | {m[3] for m in planned.moves} | {j[2] for j in planned.joins} | \
        set(planned.heads)
    missing = sorted(wanted - set(by_no))
    for chunk in importer_write._chunks(missing):
        for household in db.session.scalars(sa.select(Household).where(
                Household.household_no.in_(chunk))):
            by_no[household.household_no] = household
    # Moves: the old membership ends first (and the old household loses its head).
    for _row, person, membership, _number, _relationship in planned.moves:
        old = db.session.get(Household, membership["household_id"])
        if old.head_id == person["id"]:
            old.head_id = None
        db.session.delete(db.session.get(HouseholdMember, membership["id"]))
        audit.record("remove_member", actor=actor, entity=old, summary=person["name"],
                     before={"person_id": person["id"], "household_no": old.household_no})
    # A new head stops being head elsewhere before heading this household (unique index).
    heads = {person["id"]: number for number, (_row, person) in planned.heads.items()}
    for chunk in importer_write._chunks(sorted(heads)):
        for household in db.session.scalars(sa.select(Household).where(
                Household.head_id.in_(chunk))):
            if household.household_no != heads[household.head_id]:
                household.head_id = None
    db.session.flush()
    # Members, their moves and the audit rows in bulk (Core inserts, not one object each).
    now, user_id, ip = utcnow(), getattr(actor, "id", None), audit.request_ip()
    members, moves, audits = [], [], []
    for _row, person, membership, number, relationship in planned.moves:
        household = by_no[number]
        members.append({"household_id": household.id, "person_id": person["id"],
                        "relationship_to_head": relationship})
        moves.append({"person_id": person["id"], "from_household_id": membership["household_id"],
                      "to_household_id": household.id,
                      "from_household_no": membership["household_no"],
                      "to_household_no": number, "relationship_to_head": relationship,
                      "source": source, "moved_at": now})
        audits.append(audit.row_values(
            "add_member", user_id, "households", household.id, person["name"],
            after={"person_id": person["id"], "relationship": relationship,
                   "from_household_no": membership["household_no"]},
            at=now, ip=ip, village_id=household.village_id))
    for _row, person, number, relationship in planned.joins:
        household = by_no[number]
        members.append({"household_id": household.id, "person_id": person["id"],
                        "relationship_to_head": relationship})
        moves.append({"person_id": person["id"], "from_household_id": None,
                      "to_household_id": household.id, "from_household_no": "",
                      "to_household_no": number, "relationship_to_head": relationship,
                      "source": source, "moved_at": now})
        audits.append(audit.row_values(
            "add_member", user_id, "households", household.id, person["name"],
            after={"person_id": person["id"], "relationship": relationship},
            at=now, ip=ip, village_id=household.village_id))
    for chunk in importer_write._chunks(members):
        db.session.execute(sa.insert(HouseholdMember), chunk)
    for chunk in importer_write._chunks(moves):
        db.session.execute(sa.insert(HouseholdMove), chunk)
    importer_write._insert_audit(audits)
    for _row, person, membership, relationship in planned.relationships:
        member = db.session.get(HouseholdMember, membership["id"])
        member.relationship_to_head = relationship
        audit.record("update", actor=actor, entity=member.household, summary=person["name"],
                     before={"relationship": membership["relationship_to_head"]},
                     after={"relationship": relationship})
    db.session.flush()
    for number, (_row, person) in planned.heads.items():
        household = by_no[number]
        before = {"head_id": household.head_id}
        household.head_id = person["id"]
        audit.record("update", actor=actor, entity=household, summary=person["name"],
                     before=before, after={"head_id": person["id"]})
    audit.record(
        "import", actor=actor, entity_type="households",
        summary=_("%(file)s (households): %(rows)s rows, %(created)s added, %(updated)s "
                  "changed, %(rejected)s rejected", file=result.filename, rows=result.rows,
                  created=result.created, updated=result.updated,
                  rejected=result.rows - result.valid),
        after={"kind": "households", "file": result.filename, "rows": result.rows,
               "valid": result.valid, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "households_created": len(planned.new_households),
               "removed": len(planned.removals), "rejected": result.rows - result.valid})
    db.session.flush()


def import_file(path, end_missing=None, **options):
    """Judge a household file and, unless a dry run, apply its valid rows in one transaction;
    with end_missing (the date of a full export), end the memberships it no longer lists."""
    return common.run(sys.modules[__name__], path, end_missing=end_missing, **options)

