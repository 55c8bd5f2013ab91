"""Two clerks adding the same household to a round's supplementary list at once, and a
supervisor approving a list while a clerk adds to it (PostgreSQL, real commits)."""

import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from welfare.auth.models import User
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Household, HouseholdMember, LowIncomeStatus, Person
from welfare.rounds import services, supplements
from welfare.rounds.models import Round, RoundBatch, RoundEntry

PLAN = {"base": 3000, "per_member": 1000, "max_members": 4}


def _household(village, number, certified):
    household = Household(village_id=village.id, address=f"競賽路{number}號",
                          household_no=f"RACE{number:04d}")
    person = Person(id_number=idno.generate(), name=f"競賽戶長{number}", sex="F",
                    birth_date=date(1950, 1, 1), village_id=village.id, address="x")
    db.session.add_all([household, person])
    db.session.flush()
    db.session.add(HouseholdMember(household_id=household.id, person_id=person.id,
                                   relationship_to_head="本人"))
    household.head_id = person.id
    if certified:
        db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                       certified_from=date(2000, 1, 1),
                                       certified_until=date(2099, 12, 31)))
    return household


def _setup():
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    users = []
    for name, role in (("sup-clerk1", "staff"), ("sup-clerk2", "staff"),
                       ("sup-boss", "supervisor")):
        user = User(username=name, role=role, display_name=name)
        user.set_password(PASSWORD)
        users.append(user)
    db.session.add_all(users)
    _household(village, 1, certified=True)
    late = [_household(village, n, certified=False) for n in (2, 3)]
    db.session.flush()
    clerk, _other, boss = users
    today = date.today()
    data = services.new_round_data("other", today.year)
    data |= {"name": "supplement race", "unit": "household",
             "payout_start": today - timedelta(days=1), "payout_end": today + timedelta(days=1),
             "rules": replace(data["rules"], include_statuses=("low_income",),
                              household_amount=PLAN)}
    round_ = services.create_round(data, actor=clerk)
    services.freeze_round(round_, actor=clerk)
    services.approve_round(round_, actor=boss)
    for household in late:
        db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                       certified_from=date(2000, 1, 1),
                                       certified_until=date(2099, 12, 31)))
    db.session.commit()
    return round_.id, [h.id for h in late], [u.id for u in users]


def _add(app, round_id, household_id, user_id, results, before=None):
    with app.app_context():
        try:
            round_ = db.session.get(Round, round_id)
            household = db.session.get(Household, household_id)
            if before:
                before()
            supplements.add_household(round_, household, "late status",
                                      actor=db.session.get(User, user_id))
            db.session.commit()
            results.append("added")
        except ServiceError as exc:
            db.session.rollback()
            results.append(("refused", str(exc)))
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_two_clerks_add_one_household_once(app, committed_db):
    round_id, (household_id, _other), (clerk, other, _boss) = _setup()
    results, barrier = [], threading.Barrier(2)
    threads = [threading.Thread(target=_add, args=(app, round_id, household_id, user, results),
                                kwargs={"before": barrier.wait}) for user in (clerk, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results.count("added") == 1, results
    assert all("已在本次名冊" in r[1] for r in results if r != "added"), results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RoundEntry.id)).where(
        RoundEntry.round_id == round_id, RoundEntry.household_id == household_id)) == 1


@pytest.mark.postgres
def test_an_approval_racing_an_addition_never_approves_what_it_did_not_show(app,
                                                                           committed_db):
    round_id, (first, second), (clerk, _other, boss) = _setup()
    results = []
    _add(app, round_id, first, clerk, results)
    assert results == ["added"]
    barrier = threading.Barrier(2)

    def approve():
        with app.app_context():
            try:
                batch = db.session.scalar(sa.select(RoundBatch).where(
                    RoundBatch.round_id == round_id, RoundBatch.number == 1))
                barrier.wait()
                services.approve_batch(batch, actor=db.session.get(User, boss),
                                       expected=(1, 4000))
                db.session.commit()
                results.append("approved")
            except ServiceError as exc:
                db.session.rollback()
                results.append(("not approved", str(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve),
               threading.Thread(target=_add, args=(app, round_id, second, clerk, results),
                                kwargs={"before": barrier.wait})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    db.session.expire_all()
    rows = db.session.execute(sa.select(RoundEntry.household_id, RoundEntry.batch).where(
        RoundEntry.round_id == round_id, RoundEntry.batch > 0)).all()
    approved = db.session.scalar(sa.select(RoundBatch.approved_at).where(
        RoundBatch.round_id == round_id, RoundBatch.number == 1))
    on_first_list = {h for h, b in rows if b == 1}
    if approved:
        # The approval came first: the addition went onto a new list.
        assert "approved" in results and on_first_list == {first}, (results, rows)
        assert dict(rows)[second] == 2
    else:
        # The addition came first: the list grew, and the approval saw it had.
        assert on_first_list == {first, second}, (results, rows)
        assert any(r[0] == "not approved" and "已有變動" in r[1] for r in results), results
