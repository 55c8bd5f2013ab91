"""A 戶政異動 file applied after a freeze: deaths and move-outs put unpaid entries on hold
at once (reason and date), show on the change report, and the counter and the database
refuse to pay them; a paid entry is never held."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.auth.models import AuditLog
from welfare.errors import ServiceError
from welfare.roster.feeds import import_file
from welfare.roster.models import Person
from welfare.rounds import payouts, queries
from welfare.rounds.models import Payout, RoundEntry

DIED = date.today() - timedelta(days=3)
LEFT = date.today() - timedelta(days=2)


def write_changes(path, rows):
    lines = ["身分證字號,異動類別,異動日期,備註"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def entries(db, round_):
    db.session.expire_all()
    return {e.person_id: e for e in db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_.id))}


@pytest.fixture
def change_file(tmp_path, elders):
    return write_changes(tmp_path / "changes.csv", [
        [elders["ninety"].id_number, "死亡", DIED.isoformat(), "醫院通報"],
        [elders["hundred"].id_number, "遷出", LEFT.isoformat(), ""]])


def test_imported_death_and_move_out_hold_the_entries(app, db, approved_round, elders,
                                                      change_file, make_user):
    clerk = make_user("staff")
    result = import_file(change_file, actor=clerk)
    assert (result.valid, result.updated) == (2, 2)
    held = entries(db, approved_round)
    ninety, hundred = held[elders["ninety"].id], held[elders["hundred"].id]
    assert (ninety.hold, ninety.hold_on) == ("deceased", DIED)
    assert (hundred.hold, hundred.hold_on) == ("moved_out", LEFT)
    assert held[elders["young_old"].id].hold is None
    left, _new = queries.change_report(approved_round)
    assert {(e.person_id, e.hold) for e, _p in left} == {
        (elders["ninety"].id, "deceased"), (elders["hundred"].id, "moved_out")}
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "hold",
                                                      AuditLog.entity_id == approved_round.id))
    assert log.after == {"people": 2, "source": "changes"} and log.user_id == clerk.id
    with app.test_request_context():
        died = payouts.held_message("deceased", DIED)
        moved = payouts.held_message("moved_out", LEFT)
    assert "死亡" in died and f"{DIED.year - 1911}年{DIED.month}月{DIED.day}日" in died
    with pytest.raises(ServiceError, match=re.escape(died)):
        payouts.record_payout(ninety, "elder", actor=clerk)
    with pytest.raises(ServiceError, match=re.escape(moved)):
        payouts.record_payout(hundred, "proxy", actor=clerk, proxy={
            "name": "王大明", "id_number": "A123456789", "relationship": "子",
            "seal_checked": True})
    assert payouts.record_payout(ninety, "deceased", actor=clerk).amount == 0


def test_a_paid_entry_is_not_held_and_a_second_import_holds_nothing(db, approved_round, elders,
                                                                     change_file, make_user):
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["ninety"].id]
    payouts.record_payout(entry, "elder", actor=clerk)
    import_file(change_file, actor=clerk)
    held = entries(db, approved_round)
    assert held[elders["ninety"].id].hold is None
    assert held[elders["hundred"].id].hold == "moved_out"
    import_file(change_file, actor=clerk)
    holds = db.session.scalars(sa.select(AuditLog.after).where(AuditLog.action == "hold")).all()
    assert holds == [{"people": 1, "source": "changes"}]


def test_draft_and_closed_rounds_are_left_alone(db, make_round, elders, change_file, make_user,
                                                tmp_path):
    draft = make_round(status="draft", name="draft round")
    import_file(change_file, actor=make_user("staff"))
    assert db.session.scalar(sa.select(sa.func.count(RoundEntry.id))
                             .where(RoundEntry.round_id == draft.id)) == 0
    closed = make_round(status="approved", name="closed round")
    closed.status = "closed"
    db.session.flush()
    again = write_changes(tmp_path / "young.csv", [
        [elders["young_old"].id_number, "死亡", DIED.isoformat(), ""]])
    import_file(again, actor=make_user("staff"))
    assert entries(db, closed)[elders["young_old"].id].hold is None


def test_the_database_refuses_to_pay_a_held_entry(db, approved_round, elders, make_user):
    entry = entries(db, approved_round)[elders["ninety"].id]
    clerk = make_user("staff")
    db.session.execute(sa.update(RoundEntry).where(RoundEntry.id == entry.id)
                       .values(hold="deceased", hold_on=DIED))
    row = {"round_id": approved_round.id, "entry_id": entry.id, "amount": entry.amount,
           "paid_on": date.today(), "recorded_by_id": clerk.id}
    with pytest.raises(IntegrityError, match="gift_payouts_not_held"), db.session.begin_nested():
        db.session.execute(sa.insert(Payout), [row | {"outcome": "elder"}])
    db.session.execute(sa.insert(Payout), [row | {"outcome": "deceased", "amount": 0}])
    with pytest.raises(IntegrityError, match="hold"), db.session.begin_nested():
        db.session.execute(sa.update(RoundEntry).where(RoundEntry.id == entry.id)
                           .values(hold="missing"))


def test_the_database_does_not_hold_a_paid_entry(db, approved_round, elders, make_user):
    entry = entries(db, approved_round)[elders["ninety"].id]
    payouts.record_payout(entry, "elder", actor=make_user("staff"))
    db.session.execute(sa.update(RoundEntry).where(RoundEntry.id == entry.id)
                       .values(hold="deceased", hold_on=DIED))
    assert entries(db, approved_round)[elders["ninety"].id].hold is None


def test_a_move_in_before_the_residence_cut_off_is_newly_eligible(db, approved_round, elders,
                                                                  make_user, tmp_path):
    rules = approved_round.rules
    assert rules.registered_by and rules.registered_by < date.today() - timedelta(days=1)
    back = rules.registered_by - timedelta(days=30)
    late = date.today() - timedelta(days=1)
    lines = ["身分證字號,異動類別,異動日期,新地址",
             f"{elders['gone'].id_number},遷入,{back.isoformat()},林園北路200號"]
    path = tmp_path / "back.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(path, actor=make_user("staff"))
    _left, new = queries.change_report(approved_round)
    assert elders["gone"].id in {p.id for p in new}
    path.write_text("身分證字號,異動類別,異動日期,新地址\n"
                    f"{elders['gone'].id_number},遷入,{late.isoformat()},林園北路201號\n",
                    encoding="utf-8")
    # Moving in again after the cut-off: registered too late for this round.
    db.session.execute(sa.update(Person).where(Person.id == elders["gone"].id)
                       .values(status="moved_out", status_date=back))
    import_file(path, actor=make_user("staff"))
    _left, new = queries.change_report(approved_round)
    assert elders["gone"].id not in {p.id for p in new}
