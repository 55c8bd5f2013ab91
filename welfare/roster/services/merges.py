"""Merging a duplicate into the kept record, carrying every row that names it, and undoing a
merge. The programmes move their own rows through `merge_signals`."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.merge_signals import (
    count_naming,
    merge_preview,
    person_merged,
    person_unmerged,
    repoint,
    repoint_back,
)
from welfare.roster.merge_signals import merge_refusals as refusal_signal
from welfare.roster.models import (
    Household,
    HouseholdMember,
    HouseholdMove,
    InstitutionStay,
    IsolatedElder,
    PersonMerge,
)
from welfare.roster.services.duplicates import _require_open

FILLED_FIELDS = ("phone", "mobile", "address", "registered_on", "neighbourhood")
# The roster's own columns naming a person, moved by the merge (the rest subscribe).
ROSTER_COLUMNS = (HouseholdMember.person_id, Household.head_id, HouseholdMove.person_id,
                  IsolatedElder.person_id, InstitutionStay.person_id)


def merge_duplicate(flag, keep, actor):
    """Fold the other record of `flag` into `keep`: blanks are filled, and its household
    membership, elder record (with visits and contacts), bank account, round entries, delivery
    stops, aid cases and inquiries move over; the other is marked merged. Refused when both
    hold something only one person may have (see `_refusals`)."""
    if keep.id not in (flag.person_a_id, flag.person_b_id):
        raise ServiceError(_("Choose one of the two records to keep."))
    other = flag.person_b if keep.id == flag.person_a_id else flag.person_a
    _lock(flag, keep, other)
    _require_open(flag)
    if keep.merged_into_id is not None or other.merged_into_id is not None:
        raise ServiceError(_("One of the two records has been merged into another meanwhile."))
    _refuse_conflicts(keep, other)
    moves = {"filled": [k for k in FILLED_FIELDS
                        if not getattr(keep, k) and getattr(other, k)]}
    for key in moves["filled"]:
        setattr(keep, key, getattr(other, key))
    if other.membership and keep.membership:  # the same household: one membership is enough
        member = other.membership
        moves["dropped_membership"] = {"household_id": member.household_id,
                                       "relationship_to_head": member.relationship_to_head}
        db.session.delete(member)
        db.session.flush()
    db.session.flush()
    for column in ROSTER_COLUMNS:
        repoint(column, other.id, keep.id, moves)
    person_merged.send(actor, kept=keep, merged=other, moves=moves)
    other.merged_into_id = keep.id
    flag.status, flag.resolved_by_id, flag.resolved_at = "merged", actor.id, utcnow()
    record = PersonMerge(flag_id=flag.id, kept_id=keep.id, merged_id=other.id, moves=moves,
                         merged_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    db.session.expire_all()
    audit.record("merge", actor=actor, entity=keep, summary=f"{other.id} -> {keep.id}",
                 before={"merged_person": other.id}, after={"kept_person": keep.id,
                                                            "moves": moves})
    audit.record("merged_into", actor=actor, entity=other, summary=f"{other.id} -> {keep.id}")
    return record


def _lock(flag, *people):
    """Two clerks merging the same pair (or records of it) at once: the second waits here and
    then sees what the first committed (PostgreSQL; SQLite writes one at a time)."""
    for row in (flag, *sorted(people, key=lambda p: p.id)):
        model = type(row)
        db.session.execute(sa.select(model.id).where(model.id == row.id).with_for_update())
        db.session.refresh(row)


def _refuse_conflicts(keep, other):
    problems = []
    if keep.membership and other.membership \
            and keep.membership.household_id != other.membership.household_id:
        problems.append(_("The two records belong to different households: move one of them "
                          "to the right household first."))
    if keep.elder and other.elder:
        problems.append(_("Both records are on the isolated-elder register: end the wrong "
                          "enrolment's record first."))
    if _open_stay(keep) and _open_stay(other):
        problems.append(_("Both records have an institution stay that has not ended: end the "
                          "wrong one first."))
    for _receiver, reasons in refusal_signal.send(None, kept=keep, merged=other):
        problems.extend(reasons or [])
    if problems:
        raise ServiceError(*problems)


def _open_stay(person):
    return any(stay.ended_on is None for stay in person.institution_stays)


def undo_merge(merge, actor):
    """Put back everything the merge moved: the merged record reappears with its rows, the
    filled blanks are emptied again and the pair is open for review."""
    _lock(merge, merge.kept, merge.merged)
    if merge.undone_at is not None:
        raise ServiceError(_("This merge has already been undone."))
    kept, merged, moves = merge.kept, merge.merged, dict(merge.moves or {})
    if kept.merged_into_id is not None:
        raise ServiceError(_("The kept record has since been merged into another: undo that "
                             "merge first."))
    person_unmerged.send(actor, kept=kept, merged=merged, moves=moves)
    for column in ROSTER_COLUMNS:
        repoint_back(column, merged.id, kept.id, moves)
    dropped = moves.get("dropped_membership")
    if dropped:
        db.session.add(HouseholdMember(person_id=merged.id, **dropped))
    for key in moves.get("filled", []):
        if getattr(kept, key) == getattr(merged, key):  # unless changed since the merge
            setattr(kept, key, None if key in ("registered_on", "neighbourhood") else "")
    merged.merged_into_id = None
    flag = merge.flag
    flag.status, flag.resolved_by_id, flag.resolved_at = "open", None, None
    merge.undone_by_id, merge.undone_at = actor.id, utcnow()
    db.session.flush()
    db.session.expire_all()
    audit.record("undo_merge", actor=actor, entity=kept, summary=f"{merged.id} <- {kept.id}",
                 before={"kept_person": kept.id}, after={"restored_person": merged.id})
    audit.record("unmerged", actor=actor, entity=merged, summary=f"{merged.id} <- {kept.id}")
    return merge


def merge_refusals(keep, other):
    """Why a merge of `other` into `keep` would be refused, for the check page ([] when not)."""
    try:
        _refuse_conflicts(keep, other)
    except ServiceError as error:
        return [message for _field, message in error.errors]
    return []


def merge_preview_counts(other):
    """{table: rows of `other` the merge would move}, its own and every programme's; visits
    and contacts travel with the elder record."""
    found = {}
    for column in ROSTER_COLUMNS:
        found.update(count_naming(column, other.id))
    for _receiver, counts in merge_preview.send(None, merged=other):
        found.update(counts or {})
    return found


def merge_for(flag):
    return db.session.scalar(sa.select(PersonMerge).where(PersonMerge.flag_id == flag.id)
                             .order_by(PersonMerge.id.desc()))
