"""What the rounds do when a registry feed changes people: a death or move-out applied after
a round's freeze puts that person's unpaid entry on hold at once, with the change and its
date, so the change report shows it and the counter refuses to pay it (the database refuses
too: see models.HOLD_TRIGGERS)."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from welfare.auth import audit, scope
from welfare.extensions import db
from welfare.roster import importer_write
from welfare.roster.feeds.signals import people_status_changed
from welfare.rounds.models import Payout, Round, RoundEntry
from welfare.rounds.rules import PAID_OUTCOMES

HELD_BY = {"death": "deceased", "move_out": "moved_out"}
OPEN_ROUNDS = ("frozen", "approved")
SOURCE_NOTE = "戶政異動匯入"


def _unpaid_entries(round_ids, person_ids):
    """(entry id, round id, person id) of the open rounds' unheld, unpaid rows of these
    people."""
    entry = RoundEntry.__table__
    paid = sa.select(Payout.entry_id).where(Payout.round_id.in_(round_ids),
                                           Payout.reversed_at.is_(None),
                                           Payout.outcome.in_(PAID_OUTCOMES))
    query = sa.select(entry.c.id, entry.c.round_id, entry.c.person_id).where(
        entry.c.round_id.in_(round_ids), entry.c.hold.is_(None), entry.c.id.not_in(paid))
    if _is_postgres():
        # One array parameter: 100,000 bound values in IN lists cost more than the query.
        return db.session.execute(query.where(entry.c.person_id == sa.any_(
            sa.bindparam("people", person_ids, type_=postgresql.ARRAY(sa.Integer))))).all()
    found = []
    for chunk in importer_write._chunks(person_ids):
        found += db.session.execute(query.where(entry.c.person_id.in_(chunk))).all()
    return found


def _is_postgres():
    return db.session.get_bind().dialect.name == "postgresql"


@scope.sees_everything
def hold_for_changes(actor, events):
    """Hold the unpaid entries of frozen, open rounds for people who died or moved out.
    Returns {round id: entries held}."""
    changes = {e.person_id: e for e in events if e.change in HELD_BY}
    if not changes:
        return {}
    rounds = db.session.execute(
        sa.select(Round.id, Round.name).where(Round.status.in_(OPEN_ROUNDS))).all()
    if not rounds:
        return {}
    names = dict(rounds)
    found = _unpaid_entries(list(names), sorted(changes))
    if not found:
        return {}
    entry = RoundEntry.__table__
    ids = [entry_id for entry_id, _round_id, _person_id in found]
    holds = [HELD_BY[changes[person_id].change] for _e, _r, person_id in found]
    days = [changes[person_id].date for _e, _r, person_id in found]
    held = {}
    if _is_postgres():
        # One UPDATE ... FROM unnest(arrays): an import may hold tens of thousands of rows.
        given = sa.func.unnest(
            sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Integer)),
            sa.bindparam("holds", holds, type_=postgresql.ARRAY(sa.String)),
            sa.bindparam("days", days, type_=postgresql.ARRAY(sa.Date)),
        ).table_valued("id", "hold", "hold_on").render_derived(name="given")
        # A payout committed while this waited for the row is kept and the row left unheld
        # (the trigger's choice): count the rows held, not the rows asked for.
        for round_id in db.session.scalars(
                sa.update(entry).where(entry.c.id == given.c.id, entry.c.hold.is_(None))
                .values(hold=given.c.hold, hold_on=given.c.hold_on, hold_note=SOURCE_NOTE)
                .returning(entry.c.round_id)):
            held[round_id] = held.get(round_id, 0) + 1
    else:
        db.session.execute(
            sa.update(entry).where(entry.c.id == sa.bindparam("entry_id"),
                                   entry.c.hold.is_(None))
            .values(hold=sa.bindparam("new_hold"), hold_on=sa.bindparam("new_hold_on"),
                    hold_note=SOURCE_NOTE),
            [{"entry_id": i, "new_hold": h, "new_hold_on": d}
             for i, h, d in zip(ids, holds, days, strict=True)])
        for chunk in importer_write._chunks(ids):
            for round_id, count in db.session.execute(
                    sa.select(entry.c.round_id, sa.func.count())
                    .where(entry.c.id.in_(chunk), entry.c.hold.is_not(None))
                    .group_by(entry.c.round_id)):
                held[round_id] = held.get(round_id, 0) + count
    for round_id, count in sorted(held.items()):
        audit.record("hold", actor=actor, entity_type=Round.__tablename__, entity_id=round_id,
                     summary=f"{names[round_id]}：{SOURCE_NOTE}，{count} 人暫緩發放",
                     after={"people": count, "source": "changes"})
    return held


people_status_changed.connect(hold_for_changes)
