"""Each role's home lists the work waiting for that user, most urgent first, within scope."""

import re
from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import login
from welfare.auth import worklist
from welfare.auth.models import utcnow
from welfare.delivery.models import DeliveryEvent, DeliveryRoute, DeliveryStop, Vehicle
from welfare.jobs.models import Job
from welfare.roster.models import IsolatedElder
from welfare.rounds import services as round_services
from welfare.visits import alerts
from welfare.visits.models import Assignment, Visit, Volunteer


def _round(db, actor, status, start_in_days=5, name="115年重陽敬老禮金"):
    today = date.today()
    data = round_services.new_round_data("double_ninth", today.year)
    data.update({"name": name, "payout_start": today + timedelta(days=start_in_days),
                 "payout_end": today + timedelta(days=start_in_days + 20),
                 "late_claim_end": today + timedelta(days=start_in_days + 40)})
    round_ = round_services.create_round(data, actor=actor)
    if status == "frozen":
        round_services.freeze_round(round_, actor=actor)
    db.session.flush()
    return round_


def _no_answer_alert(db, make_person, village, user, level=4, name="林阿嬤"):
    elder = IsolatedElder(person=make_person(name=name, village=village), care_level=level)
    db.session.add(elder)
    db.session.flush()
    now = utcnow()
    visit = Visit(uuid=f"u-{elder.id}", content_hash="x", elder_id=elder.id,
                  recorded_by_id=user.id, kind="home_visit", outcome="no_answer",
                  visited_at=now)
    db.session.add(visit)
    db.session.flush()
    return alerts.open_alert(elder, "no_answer", visit, user, now)


def _home(client, user):
    assert login(client, user).status_code == 302
    page = client.get("/").text
    start = page.index('id="worklist-title"')
    return page[start:page.index("</section>", start)]


def test_supervisor_sees_frozen_round_and_open_alert_with_deadline(
        client, db, make_user, make_person, village):
    clerk = make_user("staff")
    round_ = _round(db, clerk, "frozen")
    alert = _no_answer_alert(db, make_person, village, clerk)
    supervisor = make_user("supervisor")
    work = _home(client, supervisor)
    assert f"核定「{round_.name}」已凍結的名冊" in work
    assert f'href="/rounds/{round_.id}"' in work
    assert "無人回應：林阿嬤（第 4 級）" in work
    assert "下一步：志工再次確認" in work
    assert f'href="/visits/alerts/{alert.id}"' in work
    assert work.count("期限：") >= 2
    # The alert's deadline (hours away) comes before the round's (days away).
    assert work.index("林阿嬤") < work.index("核定「")


def test_supervisor_who_froze_the_round_is_not_asked_to_approve_it(client, db, make_user):
    supervisor = make_user("supervisor")
    round_ = _round(db, supervisor, "draft")
    round_.status, round_.frozen_by_id = "frozen", supervisor.id
    db.session.flush()
    assert "已凍結的名冊" not in _home(client, supervisor)


def test_clerk_is_asked_to_freeze_a_draft_round_that_starts_soon(client, db, make_user):
    clerk = make_user("staff")
    soon = _round(db, clerk, "draft", start_in_days=10, name="即將發放")
    _round(db, clerk, "draft", start_in_days=200, name="明年的")
    work = _home(client, make_user("staff"))
    assert "檢查並凍結「即將發放」的名冊" in work and f"/rounds/{soon.id}" in work
    assert "明年的" not in work


def test_staff_see_only_alerts_in_their_villages(client, db, make_user, make_person, villages):
    here, there = villages[0], villages[1]
    clerk = make_user("staff")
    _no_answer_alert(db, make_person, here, clerk, name="本里長者")
    _no_answer_alert(db, make_person, there, clerk, name="他里長者")
    work = _home(client, make_user("staff", villages=[here]))
    assert "本里長者" in work and "他里長者" not in work


def test_volunteer_sees_visits_due_for_assigned_elders(client, db, make_user, make_person):
    user = make_user("volunteer")
    volunteer = Volunteer(user=user, name="志工甲")
    elder = IsolatedElder(person=make_person(name="陳伯伯"), care_level=4,
                          created_at=datetime(2020, 1, 1))
    db.session.add_all([volunteer, elder])
    db.session.flush()
    db.session.add(Assignment(elder_id=elder.id, primary_id=volunteer.id))
    db.session.flush()
    work = _home(client, user)
    assert "應訪視的長者" in work and "1 人" in work and 'href="/visits/app"' in work
    assert "work-overdue" in work


def test_serviceman_sees_todays_route(client, db, make_user, village):
    man = make_user("serviceman")
    vehicle = Vehicle(name="一號車", user=man, capacity=10, shift_start=time(9),
                      shift_end=time(17))
    event = DeliveryEvent(name="春節物資", event_date=worklist.local_day(utcnow()),
                          status="planned")
    route = DeliveryRoute(event=event, vehicle=vehicle)
    stops = [DeliveryStop(event=event, route=route, kind="low", recipient_name=name,
                          village_id=village.id, sequence=n, goods={})
             for n, name in enumerate(("甲", "乙", "丙"))]
    stops[0].outcome = "delivered"
    db.session.add_all([vehicle, event, route, *stops])
    db.session.flush()
    work = _home(client, man)
    assert "春節物資・一號車 路線：尚待送達" in work and "2 戶" in work
    assert f'href="/delivery/my/routes/{route.id}"' in work and "work-today" in work


def test_failed_jobs_show_to_their_owner_and_admins(client, db, make_user):
    owner = make_user("staff")
    db.session.add(Job(kind="freeze", status="failed", message="名冊凍結失敗",
                       created_by_id=owner.id))
    db.session.flush()
    assert "背景作業失敗：名冊凍結失敗" in _home(client, make_user("admin"))
    client.post("/logout")
    assert "背景作業失敗" not in _home(client, make_user("staff"))


def test_empty_home_says_nothing_waits(client, db, make_user):
    assert "目前沒有待您處理的事項" in _home(client, make_user("serviceman"))


@pytest.mark.parametrize("deadlines, expected", [
    ((None, date(2026, 1, 5)), [1, 0]),
    ((date(2026, 1, 5), date(2026, 1, 3)), [1, 0]),
])
def test_items_sort_by_urgency_then_deadline(deadlines, expected):
    items = [worklist.WorkItem(title=str(n), count=1, link="/", urgency=worklist.SOON,
                               deadline=d) for n, d in enumerate(deadlines)]
    assert [int(i.title) for i in sorted(items, key=worklist.sort_key)] == expected
    overdue = worklist.WorkItem(title="late", count=1, link="/", urgency=worklist.OVERDUE)
    assert sorted([*items, overdue], key=worklist.sort_key)[0] is overdue


def test_every_item_has_a_tag_in_words(client, db, make_user, make_person, village):
    clerk = make_user("staff")
    _no_answer_alert(db, make_person, village, clerk)
    work = _home(client, make_user("supervisor"))
    tags = re.findall(r'<span class="work-tag">([^<]+)</span>', work)
    assert tags and set(tags) <= {"緊急", "逾期", "今日到期", "即將到期", "待辦"}


def test_volunteer_sees_the_alert_they_must_recheck_with_its_deadline(
        client, db, make_user, make_person):
    user = make_user("volunteer")
    volunteer = Volunteer(user=user, name="志工乙")
    elder = IsolatedElder(person=make_person(name="黃阿公"), care_level=4)
    db.session.add_all([volunteer, elder])
    db.session.flush()
    db.session.add(Assignment(elder_id=elder.id, primary_id=volunteer.id))
    db.session.flush()
    visit = Visit(uuid="v-recheck", content_hash="x", elder_id=elder.id,
                  volunteer_id=volunteer.id, recorded_by_id=user.id, kind="home_visit",
                  outcome="no_answer", visited_at=utcnow())
    db.session.add(visit)
    db.session.flush()
    alert = alerts.open_alert(elder, "no_answer", visit, user, utcnow())
    assert alert.owner_id == user.id  # the first step is the volunteer's recheck
    work = _home(client, user)
    assert "無人回應：黃阿公（第 4 級）" in work and "下一步：志工再次確認" in work
    assert "work-urgent" in work and "期限：" in work and 'href="/visits/app"' in work
