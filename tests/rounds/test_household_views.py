"""The round form for household rounds: amounts by size or by status, errors on the form."""

from welfare.extensions import db as _db
from welfare.rounds.models import Round

BASE = {"name": "115年歲末送溫情", "festival": "other", "year": "2026", "unit": "household",
        "payout_start": "115/12/01", "payout_end": "115/12/31", "late_claim_end": "",
        "reference_date": "115/12/31", "born_by_general": "50/12/31",
        "include_statuses": ["low_income", "mid_low_income"]}


def test_household_round_by_status_table_through_the_form(client, as_role, db,
                                                          make_household):
    as_role("staff")
    low = make_household("low", members=2, category="L1")
    form = BASE | {"status-amount-low_income": "5,000", "status-amount-low_income:L1": "8000",
                   "status-amount-mid_low_income": "2000"}
    response = client.post("/rounds/new", data=form)
    assert response.status_code == 302, response.data.decode()[:3000]
    round_ = _db.session.scalars(_db.select(Round).order_by(Round.id.desc())).first()
    assert round_.unit == "household"
    assert round_.rules.status_amounts == {"low_income": 5000, "low_income:L1": 8000,
                                           "mid_low_income": 2000}
    preview = client.get(response.headers["Location"]).text
    assert "發放家戶" in preview and "NT$8,000" in preview
    head = next(m.person for m in low.members if m.person_id == low.head_id)
    assert head.name in preview
    assert "低收入戶 第1類" in preview


def test_household_round_without_an_amount_is_refused_on_the_form(client, as_role, db):
    as_role("staff")
    response = client.post("/rounds/new", data=BASE)
    assert response.status_code == 200
    assert "請輸入每戶金額" in response.text
    bad = client.post("/rounds/new", data=BASE | {"status-amount-low_income": "-3"})
    assert "大於零的整數" in bad.text
