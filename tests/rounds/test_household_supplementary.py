"""Household rounds' supplementary lists: a household found eligible after the freeze is added
with a reason, approved by another supervisor, paid, printed on its own sheet, counted in
`rounds show` and closed with the round."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.errors import ServiceError
from welfare.roster.models import LowIncomeStatus
from welfare.rounds import payouts, queries, services, sheets, supplements
from welfare.rounds.amend_models import SupplementaryHousehold
from welfare.rounds.models import RoundBatch, RoundEntry

PROXY = {"name": "王小明", "id_number": "A123456789", "relationship": "子",
         "seal_checked": True}


def _certify(db, household, kind="low"):
    db.session.add(LowIncomeStatus(household_id=household.id, kind=kind,
                                   certified_from=date(date.today().year - 1, 1, 1),
                                   certified_until=date(date.today().year + 1, 12, 31)))
    db.session.flush()
    db.session.expire(household)


@pytest.fixture
def late(db, make_household, make_household_round, make_user):
    """An approved household round, and a household certified after its freeze."""
    make_household("low", members=2)
    staff, boss = make_user("staff"), make_user("supervisor")
    round_ = make_household_round(status="approved", actor=staff, approver=boss)
    household = make_household(None, members=3)
    _certify(db, household)
    return round_, household, staff, boss


def test_search_shows_why_the_freeze_left_it_out(db, late):
    round_, household, staff, _boss = late
    (found,) = supplements.search(round_, household.household_no)
    assert found.entry is None and found.candidate.assessment.eligible
    assert found.candidate.assessment.amount == 3000 + 3 * 1000
    assert any("在名冊凍結之後" in line for line in found.why)
    on_roster = next(e for e in db.session.scalars(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id)))
    (already,) = supplements.search(round_, on_roster.id_number)
    assert already.entry == on_roster and already.why == []


def test_add_approve_pay_print_show_and_close(app, db, late, make_user):
    round_, household, staff, boss = late
    entry = supplements.add_household(round_, household, "低收入戶 12/08 核定", actor=staff)
    assert entry.batch == 1 and entry.household_size == 3 and entry.amount == 6000
    # A second household by the same clerk goes on the same list, still awaiting approval.
    summary = queries.summary(round_)
    assert summary["awaiting_approval"] == {"households": 1, "amount": 6000}
    assert summary["supplementary"] == {"households": 0, "amount": 0}
    main = summary["households"]
    with pytest.raises(ServiceError, match="尚未核定"):
        payouts.record_payout(entry, "elder", actor=staff, on=date.today())
    batch = db.session.scalar(sa.select(RoundBatch).where(RoundBatch.round_id == round_.id,
                                                          RoundBatch.number == 1))
    with pytest.raises(ServiceError):
        services.approve_batch(batch, actor=staff)  # a clerk, and the one who drew it up
    services.approve_batch(batch, actor=boss)
    summary = queries.summary(round_)
    assert summary["households"] == main + 1 and summary["supplementary"]["households"] == 1
    village = next(v for v in summary["villages"] if v["supplementary"]["households"])
    assert village["supplementary"] == {"households": 1, "amount": 6000}
    payouts.record_payout(entry, "proxy", actor=staff, on=date.today(), proxy=PROXY)
    with app.test_request_context():
        (sheet,) = sheets.village_sheets(round_, batch=1)
        assert "補發第1批" in sheet["header"]["title"] and sheet["header"]["unit"] == "戶"
        assert [r["name"] for r in sheet["rows"]] == [entry.name]
        html = sheets.prepare(sheet)["html"]
    assert "共計 1 戶" in html and "NT$6,000" in html and "陸仟元整" in html
    _rows, progress = queries.progress(round_.id)
    assert progress["paid"] == 1 and progress["paid_amount"] == 6000
    forfeited = services.close_round(round_, actor=staff, today=date.today(), early=True)
    assert forfeited == main  # the main roster's households were never paid
    assert payouts.effective_payout(entry.id).outcome == "proxy"


def test_same_clerk_fills_one_list_another_clerk_starts_another(db, late, make_household,
                                                                make_user):
    round_, household, staff, _boss = late
    second = make_household(None, members=1)
    _certify(db, second, "mid_low")
    supplements.add_household(round_, household, "late status", actor=staff)
    other = make_user("staff")
    assert supplements.add_household(round_, second, "late status", actor=other).batch == 2
    third = make_household(None, members=1)
    _certify(db, third)
    assert supplements.add_household(round_, third, "late", actor=staff).batch == 1


def test_refusals(db, late, make_household):
    round_, household, staff, _boss = late
    with pytest.raises(ServiceError) as error:
        supplements.add_household(round_, household, "  ", actor=staff)
    assert error.value.errors[0][0] == "reason"
    plain = make_household(None, members=2)
    with pytest.raises(ServiceError, match="不在發放範圍"):
        supplements.add_household(round_, plain, "asked at the desk", actor=staff)
    supplements.add_household(round_, household, "late status", actor=staff)
    with pytest.raises(ServiceError, match="已在本次名冊"):
        supplements.add_household(round_, household, "twice", actor=staff)


def test_the_database_refuses_a_household_twice_and_an_empty_reason(db, late):
    round_, household, staff, _boss = late
    entry = supplements.add_household(round_, household, "late status", actor=staff)
    copy = RoundEntry(**{c.key: getattr(entry, c.key) for c in RoundEntry.__table__.columns
                         if c.key not in ("id", "token", "person_id")},
                      token="FFFF00000001", person_id=entry.person_id + 100000)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(copy)
        db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(SupplementaryHousehold).values(reason=" "))


def test_four_eyes_in_the_database(db, late):
    round_, household, staff, _boss = late
    entry = supplements.add_household(round_, household, "late status", actor=staff)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(RoundBatch).where(
            RoundBatch.round_id == round_.id, RoundBatch.number == entry.batch)
            .values(approved_by_id=staff.id, approved_at=sa.func.now()))


def test_person_rounds_summary_leaves_out_unapproved_lists(db, approved_round, make_person,
                                                          make_user):
    make_person(birth_date=date(1931, 1, 1))
    before = queries.summary(approved_round)
    services.add_supplementary(approved_round, [p.id for p in queries.change_report(
        approved_round)[1]], actor=make_user("staff"))
    after = queries.summary(approved_round)
    assert after["people"] == before["people"]
    assert after["awaiting_approval"]["people"] == 1


def test_a_closed_round_takes_no_supplement(db, late):
    round_, household, staff, _boss = late
    services.close_round(round_, actor=staff, today=date.today() + timedelta(days=60))
    with pytest.raises(ServiceError, match="已凍結且未結案"):
        supplements.add_household(round_, household, "late", actor=staff)


def test_an_approved_list_does_not_grow(db, late, make_household):
    round_, household, staff, boss = late
    entry = supplements.add_household(round_, household, "late status", actor=staff)
    batch = db.session.scalar(sa.select(RoundBatch).where(RoundBatch.round_id == round_.id,
                                                          RoundBatch.number == entry.batch))
    second = make_household(None, members=1)
    _certify(db, second)
    supplements.add_household(round_, second, "late too", actor=staff)
    with pytest.raises(ServiceError, match="已有變動"):  # the check page showed one household
        services.approve_batch(batch, actor=boss, expected=(1, entry.amount))
    services.approve_batch(batch, actor=boss, expected=(2, entry.amount + 4000))
    copy = RoundEntry(**{c.key: getattr(entry, c.key) for c in RoundEntry.__table__.columns
                         if c.key not in ("id", "token", "person_id", "household_id")},
                      token="FFFF00000002", person_id=entry.person_id + 100000,
                      household_id=entry.household_id + 100000)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(copy)
        db.session.flush()
    third = make_household(None, members=1)
    _certify(db, third)
    assert supplements.add_household(round_, third, "after approval", actor=staff).batch == 2


def test_bank_transfers_wait_for_the_lists_approval(app, db, late):
    from welfare.rounds import reconcile
    from welfare.rounds.models import BankAccount

    round_, household, staff, boss = late
    db.session.add(BankAccount(person_id=household.head_id, bank="post_office",
                               branch_code="0081234", account_number="00099999999999",
                               holder_name="補列戶長"))
    db.session.flush()
    entry = supplements.add_household(round_, household, "late status", actor=staff)
    assert entry.bank == "post_office"
    with app.test_request_context():
        data, count = reconcile.bank_file(round_, "post_office", staff)
    assert count == 0 and b"00099999999999" not in data
    assert payouts.record_bank_transfers(round_, "post_office", staff, date.today()) == 0
    batch = db.session.scalar(sa.select(RoundBatch).where(RoundBatch.round_id == round_.id,
                                                          RoundBatch.number == entry.batch))
    services.approve_batch(batch, actor=boss)
    with app.test_request_context():
        data, count = reconcile.bank_file(round_, "post_office", staff)
    assert count == 1 and b"00099999999999" in data
    assert payouts.record_bank_transfers(round_, "post_office", staff, date.today()) == 1
    assert payouts.effective_payout(entry.id).amount == entry.amount


def test_a_goods_round_adds_quantities_and_no_money(app, db, make_household, make_household_round,
                                                    make_user):
    """A supplementary household on a goods round gets the round's goods, not money: the
    list, `rounds show` and the sheet speak of quantities."""
    make_household("low", members=2)
    staff, boss = make_user("staff"), make_user("supervisor")
    round_ = make_household_round(status="approved", actor=staff, approver=boss, kind="goods",
                                  goods_name="米", goods_unit="包",
                                  plan={"base": 1, "per_member": 1, "max_members": 2})
    household = make_household(None, members=3)
    _certify(db, household)
    entry = supplements.add_household(round_, household, "低收入戶 12/08 核定", actor=staff)
    assert (entry.amount, entry.quantity) == (0, 3)
    assert queries.summary(round_)["awaiting_approval"] == {"households": 1, "quantity": 3}
    batch = db.session.scalar(sa.select(RoundBatch).where(RoundBatch.round_id == round_.id,
                                                          RoundBatch.number == 1))
    services.approve_batch(batch, actor=boss)
    summary = queries.summary(round_)
    assert summary["supplementary"] == {"households": 1, "quantity": 3}
    assert "amount" not in summary
    payouts.record_payout(entry, "elder", actor=staff, on=date.today())
    with app.test_request_context():
        (sheet,) = sheets.village_sheets(round_, batch=1)
        html = sheets.prepare(sheet)["html"]
    assert "共計 1 戶" in html and "米" in html and "元整" not in html
