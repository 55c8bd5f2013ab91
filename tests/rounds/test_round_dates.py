"""A round's own dates agree with each other: the residence cut-off comes before the payout,
a copied round's dates move with its festival, and the year is typed as the office does."""

from datetime import date

import pytest
import sqlalchemy as sa

from welfare.rounds import services
from welfare.rounds.models import Round
from welfare.rounds.rules import FESTIVALS, default_rules, default_window, festival_day


@pytest.mark.parametrize("festival", FESTIVALS)
@pytest.mark.parametrize("year", range(2025, 2031))
def test_default_cut_offs_come_before_the_payout(festival, year):
    rules = default_rules(festival, year)
    start, end, late = default_window(festival, year)
    assert rules.registered_by < start <= end <= late
    assert rules.still_registered_on < start


def test_copying_a_spring_round_moves_its_dates_with_the_festival(db, make_user, elders):
    data = services.new_round_data("spring", 2026) | {"name": "115年春節敬老禮金"}
    source = services.create_round(data, actor=make_user("staff"))
    copy = services.copy_round(source, make_user("staff"), "116年春節敬老禮金", 2027)
    moved = festival_day("spring", 2027) - festival_day("spring", 2026)
    assert copy.payout_start == source.payout_start + moved
    assert copy.payout_end == source.payout_end + moved
    assert copy.late_claim_end == source.late_claim_end + moved
    assert copy.rules.still_registered_on == source.rules.still_registered_on + moved
    assert copy.rules.registered_by == date(2026, 6, 30) < copy.payout_start
    assert copy.rules.born_by["general"] == date(1962, 12, 31)
    assert copy.rules.reference_date == date(2027, 12, 31)


def test_the_demo_spring_round_is_consistent(db, make_user, elders):
    data = services.new_round_data("spring", 2027)
    assert data["rules"].registered_by < data["payout_start"]


@pytest.mark.parametrize("typed, year", [
    ("116", 2027), ("2027", 2027), ("民國116年", 2027), ("１１６", 2027), ("88", None),
    ("3000", None), ("abc", None)])
def test_the_year_is_typed_as_roc_or_ad(client, as_role, db, elders, typed, year):
    as_role("staff")
    form = {"name": f"年度 {typed}", "festival": "dragon_boat", "year": typed,
            "payout_start": "116/06/01", "payout_end": "116/06/30", "late_claim_end": "",
            "reference_date": "116/12/31", "born_by_general": "51/12/31",
            "registered_by": "115/06/30", "tier-0-min": "65", "tier-0-amount": "1000"}
    response = client.post("/rounds/new", data=form)
    saved = db.session.scalar(sa.select(Round).where(Round.name == f"年度 {typed}"))
    if year is None:
        assert response.status_code == 200 and saved is None
        assert "116" in response.data.decode()  # the hint says how to type it
    else:
        assert response.status_code == 302 and saved.year == year
        edit = client.get(f"/rounds/{saved.id}/edit").data.decode()
        assert 'value="116"' in edit  # shown as ROC
