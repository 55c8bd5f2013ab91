"""Household rounds: freeze one entry per household, pay the head or a proxy, close."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.errors import ServiceError
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import RoundEntry

PROXY = {"name": "王小明", "id_number": "A123456789", "relationship": "子",
         "seal_checked": True}


def _entries(db, round_):
    return db.session.scalars(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id)
                              .order_by(RoundEntry.id)).all()


def test_freeze_writes_one_entry_per_included_household(db, make_household,
                                                        make_household_round, elders):
    low = make_household("low", members=3)
    mid = make_household("mid_low", members=1)
    make_household(None, members=2)  # no status: left out
    big = make_household("low", members=6)
    round_ = make_household_round(status="frozen")
    entries = {e.household_id: e for e in _entries(db, round_)}
    assert set(entries) == {low.id, mid.id, big.id}
    assert entries[low.id].amount == 3000 + 3 * 1000
    assert entries[mid.id].amount == 4000
    assert entries[big.id].amount == 7000  # four members counted at most
    assert entries[low.id].person_id == low.head_id
    assert [m["relationship"] for m in entries[low.id].members] == ["本人", "子", "子"]
    assert entries[low.id].household_size == 3
    summary = queries.summary(round_)
    assert summary["unit"] == "household"
    assert summary["households"] == 3 and summary["amount"] == 6000 + 4000 + 7000
    assert sum(v["households"] for v in summary["villages"]) == 3
    assert "people" not in summary


def test_dead_members_do_not_count_and_a_dead_head_hands_over(db, make_household,
                                                              make_household_round):
    household = make_household("low", members=3)
    head = next(m.person for m in household.members if m.person_id == household.head_id)
    head.status, head.status_date = "deceased", date(2020, 1, 1)
    round_ = make_household_round(status="frozen")
    (entry,) = _entries(db, round_)
    assert entry.household_size == 2 and entry.amount == 5000
    assert entry.person_id != head.id


def test_status_table_by_category(db, make_household, make_household_round):
    first = make_household("low", category="L1")
    other = make_household("low", category="L3")
    mid = make_household("mid_low")
    round_ = make_household_round(
        status="frozen", statuses=("low_income:L1", "mid_low_income"), plan=None,
        status_amounts={"low_income": 5000, "low_income:L1": 8000, "mid_low_income": 2000})
    amounts = {e.household_id: e.amount for e in _entries(db, round_)}
    assert amounts == {first.id: 8000, mid.id: 2000}
    assert other.id not in amounts


def test_unique_household_per_round(db, make_household, make_household_round):
    make_household("low", members=2)
    round_ = make_household_round(status="frozen")
    (entry,) = _entries(db, round_)
    copy = RoundEntry(**{c.key: getattr(entry, c.key) for c in RoundEntry.__table__.columns
                         if c.key not in ("id", "token", "person_id")},
                      token="FFFF00000000", person_id=entry.person_id + 100000)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(copy)
        db.session.flush()


def test_pay_head_then_proxy_and_close(db, make_household, make_household_round, make_user):
    make_household("low", members=2)
    make_household("mid_low", members=1)
    make_household("low", members=1)
    staff = make_user("staff")
    round_ = make_household_round(status="approved", actor=staff)
    head, proxied, unclaimed = _entries(db, round_)
    payouts.record_payout(head, "elder", actor=staff, on=date.today())
    payouts.record_payout(proxied, "proxy", actor=staff, on=date.today(), proxy=PROXY)
    with pytest.raises(ServiceError):
        payouts.record_payout(head, "elder", actor=staff, on=date.today())
    forfeited = services.close_round(round_, actor=staff, today=date.today(), early=True)
    assert forfeited == 1
    progress = queries.progress(round_.id)
    assert progress is not None
    assert round_.status == "closed"
    assert unclaimed.id not in {head.id, proxied.id}


def test_not_if_already_paid_in_another_round(db, make_household, make_household_round,
                                              make_user):
    paid = make_household("low", members=2)
    unpaid = make_household("low", members=1)
    staff = make_user("staff")
    first = make_household_round(status="approved", actor=staff)
    entry = next(e for e in _entries(db, first) if e.household_id == paid.id)
    payouts.record_payout(entry, "elder", actor=staff, on=date.today())
    second = make_household_round(status="frozen", actor=staff)
    assert {e.household_id for e in _entries(db, second)} == {paid.id, unpaid.id}
    from dataclasses import replace
    third = make_household_round(actor=staff)
    services.update_round(third, {"name": third.name, "festival": "other", "unit": "household",
                                  "rules": replace(third.rules,
                                                   exclude_paid_rounds=(first.id,))},
                          actor=staff)
    services.freeze_round(third, actor=staff)
    assert {e.household_id for e in _entries(db, third)} == {unpaid.id}


def test_household_round_needs_an_amount(db, make_household_round):
    with pytest.raises(ServiceError) as error:
        make_household_round(plan=None)
    assert "household_base" in {field for field, _m in error.value.errors}


def test_copy_keeps_unit_and_household_rules(db, make_household_round, make_user):
    source = make_household_round()
    copy = services.copy_round(source, make_user("staff"), "116年歲末", source.year + 1)
    assert copy.unit == "household"
    assert copy.rules.household_amount == source.rules.household_amount
    assert copy.rules.include_statuses == source.rules.include_statuses


def test_bank_file_pays_the_head_account_and_bank_outcomes_reconcile(app, db, make_household,
                                                                   make_household_round,
                                                                   make_user):
    from welfare.rounds import reconcile
    from welfare.rounds.models import BankAccount

    household = make_household("low", members=2)
    make_household("low", members=1)
    db.session.add(BankAccount(person_id=household.head_id, bank="post_office",
                               branch_code="0081234", account_number="00012345678901",
                               holder_name="戶長"))
    db.session.flush()
    staff = make_user("staff")
    round_ = make_household_round(status="approved", actor=staff)
    with app.test_request_context():
        data, count = reconcile.bank_file(round_, "post_office", staff)
    lines = data.decode("utf-8-sig").strip().splitlines()
    assert count == 1 and lines[1].endswith(",5000")
    assert "00012345678901" in lines[1]
    recorded = payouts.record_bank_transfers(round_, "post_office", staff, date.today())
    assert recorded == 1
    by_household = {e.household_id: e for e in _entries(db, round_)}
    assert payouts.effective_payout(by_household[household.id].id).outcome == "bank"


def test_counter_finds_the_household_by_any_member_id(db, make_household, make_household_round):
    household = make_household("low", members=3)
    round_ = make_household_round(status="frozen")
    (entry,) = _entries(db, round_)
    member = next(m.person for m in household.members if m.person_id != household.head_id)
    assert queries.lookup(round_.id, member.id_number.lower()) == entry
    assert queries.lookup(round_.id, entry.token) == entry
    assert queries.lookup(round_.id, "A123456789") is None


def test_history_of_head_and_members_shows_the_household_payment(db, make_household,
                                                                 make_household_round,
                                                                 make_user):
    from welfare.rounds.history import round_events

    household = make_household("low", members=2)
    staff = make_user("staff")
    round_ = make_household_round(status="approved", actor=staff)
    (entry,) = _entries(db, round_)
    payouts.record_payout(entry, "elder", actor=staff, on=date.today())
    for member in household.members:
        (event,) = list(round_events(member.person, staff))
        assert round_.name in event.title and entry.name in event.title
        assert event.extra["amount"] == 5000 and event.extra["outcome"] == "elder"
