"""The volunteer's phone app offline, and the alert staff see after a no-answer."""

import uuid

import sqlalchemy as sa
from playwright.sync_api import expect

from welfare.auth.models import User
from welfare.extensions import db
from welfare.roster.models import IsolatedElder
from welfare.visits.models import Alert, Assignment, Visit, Volunteer


def _volunteer_elders(live_server, username="volunteer"):
    with live_server.app.app_context():
        volunteer = db.session.scalar(sa.select(Volunteer).join(Volunteer.user).where(
            User.username == username))
        ids = db.session.scalars(sa.select(Assignment.elder_id).where(
            Assignment.primary_id == volunteer.id).order_by(Assignment.elder_id)).all()
        db.session.remove()
        return ids


def _count(live_server, marker):
    with live_server.app.app_context():
        found = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
            Visit.notes == marker))
        db.session.remove()
        return found


def _open_app(page, live_server, login):
    login(page, "volunteer")
    page.goto(live_server("/visits/app"))
    page.wait_for_selector("#visits-app[data-ready='1']")


def _record(page, elder_id, kind, outcome, notes):
    page.goto(page.url.split("#")[0] + f"#record/{elder_id}")
    page.wait_for_selector("#view-form:not([hidden])")
    page.locator(f"label[for='kind-{kind}']").click()
    page.locator(f"label[for='outcome-{outcome}']").click()
    page.fill("#notes", notes)
    page.locator("#save-visit").click()
    page.wait_for_selector("#view-list:not([hidden])")


def test_visits_made_offline_arrive_exactly_once(phone_page, live_server, login, check_axe,
                                                 msg, snap):
    page = phone_page
    elders = _volunteer_elders(live_server)
    assert elders, "the demo volunteer has elders"
    _open_app(page, live_server, login)
    check_axe(page)
    markers = [f"offline {uuid.uuid4()}" for _ in range(2)]

    page.context.set_offline(True)
    for _ in range(100):  # polled from here: wait_for_function's eval breaks the CSP
        if not page.evaluate("navigator.onLine"):
            break
        page.wait_for_timeout(100)
    assert not page.evaluate("navigator.onLine")
    _record(page, elders[0], "home_visit", "met_well", markers[0])
    _record(page, elders[-1], "phone_call", "met_concerns", markers[1])
    status = page.locator("#outbox-state")
    assert "2" in status.inner_text()
    assert [_count(live_server, m) for m in markers] == [0, 0]
    page.goto(page.url.split("#")[0] + "#outbox")
    assert page.locator("#outbox-list li").count() == 2
    snap(page, "visits-outbox-offline")
    check_axe(page)

    page.context.set_offline(False)
    expect(page.locator("#outbox-state")).to_contain_text(msg("Everything has been sent."),
                                                          timeout=30_000)
    assert [_count(live_server, m) for m in markers] == [1, 1]
    # A reload flushes again: nothing is sent twice.
    page.reload()
    page.wait_for_selector("#visits-app[data-ready='1']")
    assert [_count(live_server, m) for m in markers] == [1, 1]


def test_staff_see_the_alert_from_a_no_answer(phone_page, desk_page, live_server, login,
                                              check_axe, msg):
    elders = _volunteer_elders(live_server)
    with live_server.app.app_context():
        open_ids = set(db.session.scalars(sa.select(Alert.elder_id).where(
            Alert.closed_at.is_(None))))
        target = next(e for e in elders if e not in open_ids)
        elder = db.session.get(IsolatedElder, target)
        elder.care_level = 4  # a no-answer alerts at levels 3 and 4
        name = elder.person.name
        db.session.commit()
        db.session.remove()
    _open_app(phone_page, live_server, login)
    _record(phone_page, target, "home_visit", "no_answer", "按門鈴沒有回應")
    expect(phone_page.locator("#outbox-state")).to_contain_text(
        msg("Everything has been sent."), timeout=30_000)

    login(desk_page, "staff")
    desk_page.goto(live_server("/visits/alerts"))
    row = desk_page.locator("table tbody tr", has_text=name)
    assert row.count() == 1
    assert msg("No answer") in row.inner_text()
    check_axe(desk_page)
    row.locator("a").first.click()
    desk_page.wait_for_load_state()
    assert msg("Volunteer checks again") in desk_page.inner_text("main")
    check_axe(desk_page)


def test_volunteer_sees_no_roster_and_sign_out_clears_the_phone(phone_page, live_server,
                                                                login):
    page = phone_page
    _open_app(page, live_server, login)
    assert page.evaluate("Object.keys(localStorage).some(k => k.startsWith('visits:'))")
    response = page.goto(live_server("/people"))
    assert response.status == 403
    page.goto(live_server("/visits/app"))
    page.wait_for_selector("#visits-app[data-ready='1']")
    page.locator("form[action$='/logout'] button").click()
    page.wait_for_url("**/login**")
    assert not page.evaluate("Object.keys(localStorage).some(k => k.startsWith('visits:'))")
    names = page.evaluate("indexedDB.databases ? indexedDB.databases().then("
                          "d => d.map(x => x.name)) : []")
    assert not [n for n in names if n.startswith("outbox-")]
