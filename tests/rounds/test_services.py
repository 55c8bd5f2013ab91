"""Freezing, approval, payouts, reversals, supplementary lists, closing."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.auth.models import AuditLog
from welfare.errors import ServiceError
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import Payout, RoundEntry


def zh(msgid):
    """The message as the service raises it (the interface's default language), escaped."""
    import re

    from flask import current_app
    from flask_babel import gettext

    with current_app.test_request_context():
        return re.escape(gettext(msgid))


def entries(db, round_):
    return {e.person_id: e for e in db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_.id))}


def test_freeze_snapshots_the_eligible_with_tiers(db, make_round, elders):
    round_ = make_round(status="frozen")
    rows = entries(db, round_)
    assert set(rows) == {elders[k].id for k in ("young_old", "ninety", "hundred")}
    assert [rows[elders[k].id].amount for k in ("young_old", "ninety", "hundred")] == \
        [1500, 5000, 10000]
    assert queries.totals(round_.id) == (3, 16500)
    token = rows[elders["ninety"].id].token
    assert len(token) == 12 and token != elders["ninety"].id_number


def test_register_edits_do_not_change_the_frozen_roster(db, make_round, elders):
    round_ = make_round(status="frozen")
    person = elders["young_old"]
    person.name, person.address = "改名", "新地址"
    db.session.flush()
    entry = entries(db, round_)[person.id]
    db.session.refresh(entry)
    assert entry.name != "改名" and entry.address == "林園北路1號"


def test_freezing_twice_is_refused(db, make_round, elders):
    round_ = make_round(status="frozen")
    with pytest.raises(ServiceError):
        services.freeze_round(round_, actor=round_.prepared_by)


def test_the_preparer_cannot_approve(db, make_round, make_user, elders):
    supervisor = make_user("supervisor")
    round_ = make_round(actor=supervisor, status="frozen")
    with pytest.raises(ServiceError, match=zh(
            "You prepared this roster, so another supervisor must approve it.")):
        services.approve_round(round_, actor=supervisor)
    with pytest.raises(ServiceError, match=zh(
            "Only a supervisor can approve a roster.")):
        services.approve_round(round_, actor=make_user("staff"))


def test_the_database_refuses_self_approval(db, make_round, elders):
    round_ = make_round(status="frozen")
    round_.approved_by_id = round_.prepared_by_id
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_no_payout_before_approval(db, make_round, make_user, elders):
    round_ = make_round(status="frozen")
    entry = entries(db, round_)[elders["ninety"].id]
    with pytest.raises(ServiceError, match=zh(
            "Payouts can be recorded only after a supervisor approves the round, and not "
            "after it is closed.")):
        payouts.record_payout(entry, "elder", actor=make_user("staff"))


def test_one_effective_payout_per_person(db, approved_round, elders, make_user):
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["ninety"].id]
    payout = payouts.record_payout(entry, "elder", actor=clerk)
    assert payout.amount == 5000
    with pytest.raises(payouts.AlreadyRecorded):
        payouts.record_payout(entry, "elder", actor=clerk)
    duplicate = Payout(round_id=entry.round_id, entry_id=entry.id, outcome="waived",
                       paid_on=date.today(), recorded_by_id=clerk.id)
    db.session.add(duplicate)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_each_payout_is_audited_in_its_transaction(db, approved_round, elders, make_user):
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["hundred"].id]
    payout = payouts.record_payout(entry, "elder", actor=clerk)
    logged = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "payout")).all()
    assert [(a.user_id, a.entity_type, a.entity_id, a.after) for a in logged] == [
        (clerk.id, "gift_payouts", payout.id,
         {"entry_id": entry.id, "outcome": "elder", "amount": 10000})]
    with pytest.raises(payouts.AlreadyRecorded):
        payouts.record_payout(entry, "waived", actor=clerk)
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "payout")) == 1


def test_a_lost_race_writes_neither_payout_nor_audit_row(db, approved_round, elders,
                                                         make_user):
    """The read saw no outcome, but another clerk's row got in first: the unique index
    refuses ours and no audit row is written for it."""
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["ninety"].id]
    stale = queries.claim(approved_round.id, entry.id)
    payouts.record_payout(entry, "elder", actor=clerk)
    with pytest.raises(payouts.AlreadyRecorded, match=zh(
            "Someone else has just recorded an outcome for %(name)s.").replace(
            re.escape("%(name)s"), re.escape(entry.name))):
        payouts.record_claim(stale, "elder", actor=clerk)
    assert db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry.id)) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "payout")) == 1


def test_corrections_are_reversals_with_a_reason(db, approved_round, elders, make_user):
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["ninety"].id]
    wrong = payouts.record_payout(entry, "waived", actor=clerk)
    with pytest.raises(ServiceError):
        payouts.reverse_payout(wrong, "  ", actor=clerk)
    payouts.reverse_payout(wrong, "wrong person", actor=clerk)
    right = payouts.record_payout(entry, "elder", actor=clerk)
    history = queries.payouts_of(entry.id)
    assert [p.outcome for p in history] == ["waived", "elder"]
    assert history[0].reversed_at is not None and history[0].reversal_reason == "wrong person"
    assert payouts.effective_payout(entry.id).id == right.id
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "reverse")) == 1


def test_not_found_is_superseded_by_a_later_claim(db, approved_round, elders, make_user):
    clerk = make_user("staff")
    entry = entries(db, approved_round)[elders["young_old"].id]
    payouts.record_payout(entry, "not_found", actor=clerk)
    payouts.record_payout(entry, "elder", actor=clerk)
    assert [p.reversed_at is None for p in queries.payouts_of(entry.id)] == [False, True]


@pytest.mark.parametrize("proxy, field", [
    ({"name": "", "id_number": "A123456789", "relationship": "子", "seal_checked": True},
     "proxy_name"),
    ({"name": "王大明", "id_number": "A123456788", "relationship": "子", "seal_checked": True},
     "proxy_id_number"),
    ({"name": "王大明", "id_number": "A123456789", "relationship": "", "seal_checked": True},
     "proxy_relationship"),
    ({"name": "王大明", "id_number": "A123456789", "relationship": "子", "seal_checked": False},
     "seal_checked"),
])
def test_proxy_checks(db, approved_round, elders, make_user, proxy, field):
    entry = entries(db, approved_round)[elders["ninety"].id]
    with pytest.raises(ServiceError) as info:
        payouts.record_payout(entry, "proxy", actor=make_user("staff"), proxy=proxy)
    assert field in [f for f, _m in info.value.errors]


def test_proxy_payout_recorded(db, approved_round, elders, make_user):
    entry = entries(db, approved_round)[elders["ninety"].id]
    payout = payouts.record_payout(entry, "proxy", actor=make_user("staff"), proxy={
        "name": "王大明", "id_number": "a123456789", "relationship": "子", "seal_checked": True})
    assert (payout.proxy_id_number, payout.amount) == ("A123456789", 5000)


def test_payout_held_after_death(app, db, approved_round, elders, make_user):
    person = elders["hundred"]
    person.status, person.status_date = "deceased", date.today()
    db.session.flush()
    left, _new = queries.change_report(approved_round)
    assert [e.person_id for e, _p in left] == [person.id]
    clerk = make_user("staff")
    assert services.hold_entries(approved_round, left, actor=clerk) == 1
    entry = entries(db, approved_round)[person.id]
    assert (entry.hold, entry.hold_on) == ("deceased", date.today())
    with app.test_request_context():
        held = re.escape(payouts.held_message("deceased", date.today()))
    with pytest.raises(ServiceError, match=held):
        payouts.record_payout(entry, "elder", actor=clerk)
    assert payouts.record_payout(entry, "deceased", actor=clerk).amount == 0


def test_supplementary_list_needs_its_own_approval(db, approved_round, make_person, make_user):
    newcomer = make_person(birth_date=date(1945, 1, 1))
    _left, new = queries.change_report(approved_round)
    assert newcomer in new
    clerk = make_user("staff")
    batch = services.add_supplementary(approved_round, [p.id for p in new], actor=clerk)
    entry = entries(db, approved_round)[newcomer.id]
    assert entry.batch == batch.number == 1
    with pytest.raises(ServiceError, match=zh(
            "This person is on a supplementary list that is not approved yet.")):
        payouts.record_payout(entry, "elder", actor=clerk)
    with pytest.raises(ServiceError):
        services.approve_batch(batch, actor=clerk)
    services.approve_batch(batch, actor=make_user("supervisor"))
    assert payouts.record_payout(entry, "elder", actor=clerk).amount == 1500


def test_window_and_late_claims(db, make_round, make_user, elders):
    today = date.today()
    round_ = make_round(status="approved", payout_start=today - timedelta(days=20),
                        payout_end=today - timedelta(days=10), late_claim_end=today)
    clerk = make_user("staff")
    entry = entries(db, round_)[elders["ninety"].id]
    with pytest.raises(ServiceError, match=zh(
            "The payout window has not opened yet.")):
        payouts.record_payout(entry, "elder", actor=clerk, on=today - timedelta(days=30))
    assert payouts.record_payout(entry, "elder", actor=clerk).late_claim is True


def test_close_forfeits_the_unclaimed(db, approved_round, elders, make_user):
    clerk = make_user("staff")
    rows = entries(db, approved_round)
    payouts.record_payout(rows[elders["ninety"].id], "elder", actor=clerk)
    payouts.record_payout(rows[elders["young_old"].id], "not_found", actor=clerk)
    with pytest.raises(ServiceError):
        services.close_round(approved_round, actor=clerk, today=date.today())
    assert services.close_round(approved_round, actor=clerk, today=date.today(), early=True) == 2
    _rows, total = queries.progress(approved_round.id)
    assert total["outcomes"] == {"elder": 1, "forfeited": 2}
    assert total["paid_amount"] == 5000
    with pytest.raises(ServiceError):
        payouts.record_payout(rows[elders["hundred"].id], "elder", actor=clerk)


def test_copy_moves_dates_to_the_new_year(db, make_round, make_user, elders):
    source = make_round(year=2025)
    copy = services.copy_round(source, make_user("staff"), "next", 2026)
    assert copy.rules.reference_date == date(2026, 12, 31)
    assert copy.rules.born_by["general"] == date(1961, 12, 31)
    assert copy.rules.tiers == source.rules.tiers and copy.status == "draft"


def test_summary_matches_by_village(db, approved_round):
    data = queries.summary(approved_round)
    assert data["people"] == sum(v["people"] for v in data["villages"]) == 3
    assert data["amount"] == sum(v["amount"] for v in data["villages"]) == 16500
