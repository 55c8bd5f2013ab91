"""A full household export (戶政匯出檔) is the truth about the households it names: a member
on file whom the file no longer lists under that household (nor under any other) has left it.
Their membership ends on the file's date (the person stays on the register), the move is kept
in household_moves and the audit log, and the import report lists them per household.

Asked for with the file's date (`end_missing`), as for full low-income lists, and not done at
all when the file has rejected rows: the people of a rejected row would look missing."""

from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.roster import importer_write
from welfare.roster.models import Household, HouseholdMember, HouseholdMove, Person

# Households listed one by one in the report; the rest are counted.
LISTED = 200


def plan(planned, result, on, named, listed_households):
    """Members of `listed_households` ({household_no: household id}) whose person the file
    names nowhere (`named`: person ids), as planned.removals; result.removed lists them."""
    result.ended, result.removed = 0, []
    if result.rows != result.valid:
        result.error(1, "end_missing", _(
            "Members missing from the file were not taken out of their households, because "
            "some rows were rejected: their people would look missing. Fix those rows and "
            "import the file again."))
        return
    by_id = {hid: number for number, hid in listed_households.items()}
    found = {}
    for chunk in importer_write._chunks(sorted(by_id)):
        rows = db.session.execute(
            sa.select(HouseholdMember.id, HouseholdMember.household_id,
                      HouseholdMember.person_id, HouseholdMember.relationship_to_head,
                      Person.name, Household.head_id, Household.village_id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .join(Household, Household.id == HouseholdMember.household_id)
            .where(HouseholdMember.household_id.in_(chunk))
            .order_by(HouseholdMember.household_id, Person.name, Person.id))
        for row in rows:
            if row.person_id not in named:
                found.setdefault(by_id[row.household_id], []).append(row._asdict())
    for number in sorted(found):
        planned.removals.extend((number, member) for member in found[number])
        if len(result.removed) < LISTED:
            result.removed.append({"household_no": number,
                                   "names": [m["name"] for m in found[number]]})
    result.ended = len(planned.removals)
    result.ended_on = on


def write(planned, result, actor):
    """End the planned memberships inside the caller's transaction, each audited."""
    if not planned.removals:
        return
    on = result.ended_on
    moved_at = datetime.combine(on, time())
    now, user_id, ip = utcnow(), getattr(actor, "id", None), audit.request_ip()
    heads = {m["household_id"] for _n, m in planned.removals if m["head_id"] == m["person_id"]}
    for chunk in importer_write._chunks(sorted(heads)):
        db.session.execute(sa.update(Household).where(Household.id.in_(chunk))
                           .values(head_id=None).execution_options(synchronize_session=False))
    ids = [m["id"] for _n, m in planned.removals]
    for chunk in importer_write._chunks(ids):
        db.session.execute(sa.delete(HouseholdMember).where(HouseholdMember.id.in_(chunk))
                           .execution_options(synchronize_session=False))
    moves, audits = [], []
    source = result.filename[:200]
    for number, member in planned.removals:
        moves.append({"person_id": member["person_id"],
                      "from_household_id": member["household_id"], "to_household_id": None,
                      "from_household_no": number, "to_household_no": "",
                      "relationship_to_head": member["relationship_to_head"],
                      "source": source, "moved_at": moved_at})
        audits.append(audit.row_values(
            "remove_member", user_id, "households", member["household_id"],
            _("%(name)s (updated from the household-registration export)",
              name=member["name"]),
            before={"person_id": member["person_id"], "household_no": number,
                    "relationship": member["relationship_to_head"],
                    "head": member["head_id"] == member["person_id"]},
            after={"ended_on": on.isoformat(), "file": result.filename},
            at=now, ip=ip, village_id=member["village_id"]))
    for chunk in importer_write._chunks(moves):
        db.session.execute(sa.insert(HouseholdMove), chunk)
    importer_write._insert_audit(audits)
    db.session.expire_all()  # the members and heads changed under the ORM's feet
