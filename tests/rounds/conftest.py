"""Round factories: a draft over a few people, frozen and approved by a second person."""

from datetime import date, timedelta

import pytest

from welfare.rounds import services


@pytest.fixture
def elders(make_person):
    """Three eligible elders (1,500 / 5,000 / 10,000) and two who are not."""
    return {
        "young_old": make_person(birth_date=date(1950, 5, 17), neighbourhood=2,
                                 address="林園北路1號"),
        "ninety": make_person(birth_date=date(1930, 1, 2), neighbourhood=1,
                              address="東林西路5號"),
        "hundred": make_person(birth_date=date(1920, 3, 3), neighbourhood=1,
                               address="東林西路3號"),
        "too_young": make_person(birth_date=date(1990, 1, 1)),
        "gone": make_person(birth_date=date(1940, 1, 1), status="moved_out",
                            status_date=date(2020, 1, 1)),
    }


@pytest.fixture
def make_round(db, make_user):
    def make(actor=None, year=None, status="draft", approver=None, **overrides):
        today = date.today()
        year = year or today.year
        actor = actor or make_user("staff")
        data = services.new_round_data("double_ninth", year)
        data.update({"name": f"test round {year}", "payout_start": today - timedelta(days=5),
                     "payout_end": today + timedelta(days=5),
                     "late_claim_end": today + timedelta(days=30)})
        data.update(overrides)
        round_ = services.create_round(data, actor=actor)
        if status in ("frozen", "approved"):
            services.freeze_round(round_, actor=actor)
        if status == "approved":
            services.approve_round(round_, actor=approver or make_user("supervisor"))
        db.session.flush()
        return round_

    return make


@pytest.fixture
def approved_round(make_round, elders):
    return make_round(status="approved")
