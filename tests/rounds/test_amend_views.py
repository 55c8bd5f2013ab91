"""The pages after the freeze: a household added from the change report, its approval check
page, and a hold lifted after its check page; what a clerk limited to one village may not do."""

from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import login
from welfare.roster.feeds.signals import StatusEvent
from welfare.roster.models import LowIncomeStatus
from welfare.rounds import feeds
from welfare.rounds.amend_models import HoldLift, SupplementaryHousehold
from welfare.rounds.models import RoundEntry


def _late_household(db, make_household, village=None):
    household = make_household(None, members=2, village=village)
    db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                   certified_from=date(date.today().year - 1, 1, 1),
                                   certified_until=date(date.today().year + 1, 12, 31)))
    db.session.flush()
    return household


def test_find_add_and_approve_a_household(client, db, as_role, make_household,
                                          make_household_round, make_user):
    make_household("low", members=1)
    round_ = make_household_round(status="approved")
    household = _late_household(db, make_household)
    as_role("staff")
    page = client.get(f"/rounds/{round_.id}/changes?q={household.household_no}").text
    assert "凍結名冊未列入的原因" in page and "在名冊凍結之後" in page
    assert "補列入補發名冊：NT$5,000" in page
    url = f"/rounds/{round_.id}/households/{household.id}/supplement"
    empty = client.post(url, data={"reason": " ", "q": household.household_no})
    assert "請填寫凍結後補列此戶的原因" in client.get(empty.headers["Location"]).text
    added = client.post(url, data={"reason": "低收入戶 12/08 核定"})
    assert added.status_code == 302
    assert "第 1 批補發名冊" in client.get(added.headers["Location"]).text
    (row,) = db.session.scalars(sa.select(SupplementaryHousehold)).all()
    assert row.reason == "低收入戶 12/08 核定"
    again = client.get(f"/rounds/{round_.id}/changes?q={household.household_no}").text
    assert "已在本次名冊" in again
    boss = make_user("supervisor")
    client.post("/logout")
    login(client, boss)
    check = client.get(f"/rounds/{round_.id}/batches/1/approve").text
    assert "本批補列的戶及補列原因" in check and "低收入戶 12/08 核定" in check
    approved = client.post(f"/rounds/{round_.id}/batches/1/approve")
    assert approved.status_code == 302
    assert row.entry.round_id == round_.id
    db.session.expire_all()
    entry_page = client.get(f"/rounds/{round_.id}/entries/{row.entry_id}").text
    assert "補列於第 1 批補發名冊" in entry_page


def test_the_village_clerk_finds_and_adds_only_in_her_village(client, db, as_role, villages,
                                                              make_household,
                                                              make_household_round):
    round_ = make_household_round(status="approved")
    other = _late_household(db, make_household, village=villages[1])
    as_role("staff", villages=[villages[0]])
    page = client.get(f"/rounds/{round_.id}/changes?q={other.household_no}").text
    assert "沒有符合" in page
    response = client.post(f"/rounds/{round_.id}/households/{other.id}/supplement",
                           data={"reason": "x"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(SupplementaryHousehold.id))) == 0


def test_lift_a_hold_after_the_check_page(client, db, as_role, approved_round, elders,
                                          make_user):
    person = elders["ninety"]
    feeds.hold_for_changes(make_user("staff"), [StatusEvent(person.id, "death",
                                                            date.today() - timedelta(days=2))])
    entry = db.session.scalar(sa.select(RoundEntry).where(
        RoundEntry.round_id == approved_round.id, RoundEntry.person_id == person.id))
    url = f"/rounds/{approved_round.id}/entries/{entry.id}/lift-hold"
    as_role("staff")
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "x"}).status_code == 403
    client.post("/logout")
    as_role("supervisor")
    entry_page = client.get(f"/rounds/{approved_round.id}/entries/{entry.id}").text
    assert "戶籍登記有誤：解除暫緩發放" in entry_page
    check = client.get(url).text
    assert "解除暫緩發放前確認" in check and "戶籍登記死亡" in check
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 200 and db.session.scalar(
        sa.select(sa.func.count(HoldLift.id))) == 0
    lifted = client.post(url, data={"reason": "戶政事務所 更正死亡登記"})
    assert lifted.status_code == 302
    page = client.get(lifted.headers["Location"]).text
    assert "暫緩發放（已解除）" in page and "戶政事務所 更正死亡登記" in page
    assert client.get(url).status_code == 302  # nothing left to lift
