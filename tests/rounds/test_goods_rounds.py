"""Goods rounds (米 2 包): the database keeps them coherent, the freeze counts quantities and
no money, they pay at the counter only, and their figures speak of goods. Run on SQLite and
on PostgreSQL (TEST_DATABASE_URL)."""

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.errors import ServiceError
from welfare.rounds import checks, payouts, queries, reconcile, services
from welfare.rounds.cli import rounds_cli
from welfare.rounds.models import BankAccount, Payout, Round, RoundEntry
from welfare.rounds.rules import Tier

RICE = {"kind": "goods", "goods_name": "米", "goods_unit": "包"}


@pytest.fixture
def make_goods_round(make_round):
    """米 2 包 each aged 65-89, 3 包 from 90: the tiers' numbers are quantities."""
    def make(status="draft", **overrides):
        rules = services.new_round_data("dragon_boat", date.today().year)["rules"]
        rules = replace(rules, tiers=(Tier(65, 89, 2), Tier(90, None, 3)))
        return make_round(status=status, name="端午節敬老米", rules=rules,
                          **(RICE | overrides))

    return make


def _entries(db, round_):
    return db.session.scalars(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id)
                              .order_by(RoundEntry.birth_date)).all()


def test_a_goods_round_needs_its_goods_and_unit(make_goods_round):
    with pytest.raises(ServiceError) as caught:
        make_goods_round(goods_name=" ", goods_unit="")
    assert {field for field, _m in caught.value.errors} >= {"goods_name", "goods_unit"}
    with pytest.raises(ServiceError):
        make_goods_round(kind="vouchers")


def test_a_cash_round_keeps_no_goods(make_round):
    round_ = make_round(goods_name="米", goods_unit="包")
    assert (round_.kind, round_.goods_name, round_.goods_unit) == ("cash", "", "")


@pytest.mark.parametrize("values", [
    {"kind": "goods", "goods_name": "", "goods_unit": "包"},
    {"kind": "goods", "goods_name": "米", "goods_unit": ""},
    {"kind": "cash", "goods_name": "米", "goods_unit": "包"},
    {"kind": "coupons", "goods_name": "", "goods_unit": ""},
])
def test_the_database_refuses_an_incoherent_round(db, make_goods_round, values):
    round_ = make_goods_round()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Round).where(Round.id == round_.id).values(**values))


@pytest.mark.parametrize("values", [
    {"quantity": 2, "amount": 1500},   # goods and money at once
    {"quantity": 0, "amount": 0},      # no goods
    {"quantity": -1, "amount": 0},
    {"quantity": None, "amount": 0},   # a cash row without an amount
])
def test_the_database_refuses_an_incoherent_entry(db, make_goods_round, elders, values):
    round_ = make_goods_round(status="frozen")
    entry = _entries(db, round_)[0]
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(RoundEntry).where(RoundEntry.id == entry.id)
                           .values(**values))


def test_freezing_counts_quantities_and_no_money(db, make_goods_round, elders):
    db.session.add(BankAccount(person_id=elders["ninety"].id, bank="post_office",
                               branch_code="0081234", account_number="12345678901234",
                               holder_name=elders["ninety"].name))
    db.session.flush()
    round_ = make_goods_round(status="frozen")
    rows = _entries(db, round_)
    assert [(e.name, e.quantity, e.amount) for e in rows] == [
        (elders["hundred"].name, 3, 0), (elders["ninety"].name, 3, 0),
        (elders["young_old"].name, 2, 0)]
    # Counter only: the account on file is not copied onto a goods roster.
    assert all(e.bank is None and e.bank_account is None for e in rows)
    assert queries.totals(round_.id) == (3, 8)
    assert queries.by_tier(round_.id) == [("65-89", 2, 1), ("90+", 3, 2)]


def test_goods_are_handed_over_at_the_counter_only(db, make_goods_round, elders, make_user):
    round_ = make_goods_round(status="approved")
    clerk = make_user("staff")
    first, second, third = _entries(db, round_)
    payout = payouts.record_payout(first, "elder", actor=clerk)
    assert (payout.outcome, payout.amount) == ("elder", 0)
    payouts.record_payout(second, "proxy", actor=clerk, proxy={
        "name": "王小明", "id_number": "A123456789", "relationship": "子", "seal_checked": True})
    with pytest.raises(ServiceError, match="發放櫃台"):
        payouts.record_payout(third, "bank", actor=clerk)
    with pytest.raises(ServiceError, match="發放櫃台"):
        reconcile.bank_file(round_, "post_office", clerk)
    rows, total = queries.progress(round_.id)
    assert (total["people"], total["amount"], total["paid"], total["paid_amount"]) == (3, 8, 2, 6)
    assert sum(p.amount for p in db.session.scalars(sa.select(Payout))) == 0
    # Closing forfeits the rest; the effective outcomes stay one per entry.
    assert services.close_round(round_, clerk, date.today(), early=True) == 1


def test_show_and_list_speak_of_goods(app, db, make_goods_round, elders):
    round_ = make_goods_round(status="frozen")
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(rounds_cli, ["list", "--json"]).output)
    assert {"id": round_.id, "kind": "goods", "unit": "person"}.items() <= listed[0].items()
    shown = json.loads(runner.invoke(rounds_cli, ["show", str(round_.id), "--json"]).output)
    assert shown["kind"] == "goods" and shown["goods"] == "米" and shown["quantity"] == 8
    assert "amount" not in shown
    assert sum(v["quantity"] for v in shown["villages"]) == 8
    assert all("amount" not in v for v in shown["villages"])
    text = runner.invoke(rounds_cli, ["show", str(round_.id)]).output
    assert "米 8 包" in text and "NT$" not in text


def test_the_institution_rule_at_freeze(db, make_round, elders, make_user):
    from welfare.roster.models import InstitutionStay

    rules = services.new_round_data("double_ninth", date.today().year)["rules"]
    on = rules.still_registered_on
    # In an institution on the day; left before it; admitted after it.
    db.session.add_all([
        InstitutionStay(person_id=elders["ninety"].id, institution="仁愛之家",
                        started_on=on - timedelta(days=400)),
        InstitutionStay(person_id=elders["hundred"].id, institution="護理之家",
                        started_on=on - timedelta(days=400), ended_on=on - timedelta(days=1),
                        ended_by_id=make_user("staff").id),
        InstitutionStay(person_id=elders["young_old"].id, institution="安養中心",
                        started_on=on + timedelta(days=1)),
    ])
    db.session.flush()
    round_ = make_round(rules=replace(rules, exclude_institution=True))
    check = checks.freeze_check(round_)
    assert check["people"] == 2
    assert [(p.name, s.institution) for p, s in check["away"]] == [
        (elders["ninety"].name, "仁愛之家")]
    services.freeze_round(round_, actor=make_user("staff"))
    frozen = {e.person_id for e in _entries(db, round_)}
    assert frozen == {elders["hundred"].id, elders["young_old"].id}
    # Without the rule, the stay does not matter.
    plain = make_round(name="no rule", status="frozen")
    assert elders["ninety"].id in {e.person_id for e in _entries(db, plain)}


def test_the_institution_rule_in_a_household_round(db, make_household, make_user):
    from welfare.roster.models import InstitutionStay

    household = make_household("low", members=3)
    away = household.members[-1].person
    db.session.add(InstitutionStay(person_id=away.id, institution="仁愛之家",
                                   started_on=date(2020, 1, 1)))
    db.session.flush()
    rules = services.new_round_data("other", date.today().year)["rules"]
    rules = replace(rules, include_statuses=("low_income",),
                    household_amount={"base": 0, "per_member": 1}, exclude_institution=True)
    round_ = services.create_round({
        **services.new_round_data("other", date.today().year), "name": "白米",
        "unit": "household", "rules": rules, **RICE}, actor=make_user("staff"))
    check = checks.freeze_check(round_)
    assert [p.id for p, _s in check["away"]] == [away.id]
    services.freeze_round(round_, actor=make_user("staff"))
    (entry,) = _entries(db, round_)
    assert entry.household_size == 2 and entry.quantity == 2 and entry.amount == 0
    assert away.id not in {m["person_id"] for m in entry.members}


def test_a_goods_household_round_asks_for_quantities(make_round):
    rules = replace(services.new_round_data("other", date.today().year)["rules"],
                    include_statuses=("low_income",), household_amount=None)
    with pytest.raises(ServiceError) as caught:
        make_round(unit="household", rules=rules, **RICE)
    assert caught.value.errors == [("household_base", "請輸入每戶數量：基本數量及每人加計數量，"
                                                      "或依身分別填入數量表。")]
