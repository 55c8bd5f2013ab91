"""Round factories: a draft over a few people, frozen and approved by a second person."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

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


@pytest.fixture
def make_household(db, make_person, villages):
    """A household with `members` registered people, the first its head, and a status."""
    from welfare.roster.models import Household, HouseholdMember, LowIncomeCategory, LowIncomeStatus

    count = [0]

    def make(kind="low", members=1, village=None, category=None, head=0):
        count[0] += 1
        village = village or villages[count[0] % 3]
        address = f"林園北路{count[0]}號"
        household = Household(village_id=village.id, address=address, neighbourhood=1,
                              household_no=f"H{count[0]:07d}")
        db.session.add(household)
        db.session.flush()
        people = [make_person(village=village, address=address,
                              birth_date=date(1960 + i * 15, 1, 1)) for i in range(members)]
        for index, person in enumerate(people):
            db.session.add(HouseholdMember(household_id=household.id, person_id=person.id,
                                           relationship_to_head="本人" if index == head else "子"))
        household.head_id = people[head].id
        if kind:
            category_id = None
            if category:
                category_id = db.session.scalar(
                    sa.select(LowIncomeCategory.id).where(LowIncomeCategory.code == category))
            db.session.add(LowIncomeStatus(
                household_id=household.id, kind=kind, category_id=category_id,
                certified_from=date(date.today().year - 1, 1, 1),
                certified_until=date(date.today().year + 1, 12, 31)))
        db.session.flush()
        return household

    return make


HOUSEHOLD_PLAN = {"base": 3000, "per_member": 1000, "max_members": 4}


@pytest.fixture
def make_household_round(make_round):
    """A household round for 低收入戶 and 中低收入戶, amounts by household size."""
    from dataclasses import replace

    def make(status="draft", plan=HOUSEHOLD_PLAN, statuses=("low_income", "mid_low_income"),
             status_amounts=None, **overrides):
        rules = services.new_round_data("other", date.today().year)["rules"]
        rules = replace(rules, include_statuses=tuple(statuses), household_amount=plan,
                        status_amounts=status_amounts or {})
        return make_round(status=status, unit="household", rules=rules,
                          name="歲末送溫情慰問金", **overrides)

    return make
