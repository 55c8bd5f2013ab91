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
    """Through the form's six steps: kind, outcome, time, needs, assessment, notes."""
    page.goto(page.url.split("#")[0] + f"#record/{elder_id}")
    page.wait_for_selector("#view-form:not([hidden])")
    page.locator(f"label[for='kind-{kind}']").click()
    page.locator("#step-next").click()
    page.locator(f"label[for='outcome-{outcome}']").click()
    for _ in range(4):
        page.locator("#step-next").click()
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
    notice = page.locator("#app-message")
    expect(notice).to_have_text(msg("Saved on this phone. It will be sent when there is signal."))
    assert [_count(live_server, m) for m in markers] == [0, 0]
    page.goto(page.url.split("#")[0] + "#outbox")
    assert page.locator("#outbox-list li").count() == 2
    snap(page, "visits-outbox-offline")
    check_axe(page)

    page.goto(page.url.split("#")[0] + "#")
    expect(notice).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#outbox-state")).to_contain_text(msg("Everything has been sent."),
                                                          timeout=30_000)
    # "Saved on this phone" would now contradict "everything has been sent".
    expect(notice).to_be_hidden()
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


def _at_step(page, number):
    """Wait until the form shows step `number`: a click's step change is not instant."""
    expect(page.locator("#visit-form")).to_have_attribute("data-step", str(number))


def test_visit_form_checks_each_step_beside_the_fields(phone_page, live_server, login,
                                                      check_axe, msg, snap):
    page = phone_page
    elders = _volunteer_elders(live_server)
    _open_app(page, live_server, login)
    page.goto(page.url.split("#")[0] + f"#record/{elders[1]}")
    page.wait_for_selector("#view-form:not([hidden])")
    _at_step(page, 1)
    # One question on screen: the outcome and the notes wait for later steps.
    expect(page.locator("#group-outcome")).to_be_hidden()
    expect(page.locator("#notes")).to_be_hidden()

    page.locator("#step-next").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary.locator("a")).to_have_text([msg("Choose how you made contact.")])
    inline = page.locator("#group-kind .error-message")
    expect(inline).to_contain_text(msg("Choose how you made contact."))
    described = page.locator("#group-kind fieldset").get_attribute("aria-describedby")
    assert "group-kind-error" in described.split()
    _at_step(page, 1)
    snap(page, "visits-form-step1-error")
    check_axe(page)
    summary.locator("a").click()
    expect(page.locator("#kind-home_visit")).to_be_focused()

    page.locator("label[for='kind-phone_call']").click()
    page.locator("#step-next").click()
    _at_step(page, 2)
    expect(summary).to_be_hidden()
    expect(page.locator("#step-2 .error-message")).to_have_count(0)
    page.locator("label[for='outcome-met_well']").click()
    page.locator("#step-next").click()
    _at_step(page, 3)

    page.fill("#visited_on", "115/02/30")
    page.fill("#visited_time", "25:00")
    page.fill("#duration", "2000")
    page.locator("#step-next").click()
    expect(summary.locator("a")).to_have_text([
        msg("This date does not exist; check the month and day."),
        msg("Enter the time like 14:30 (24-hour)."), msg("Enter minutes from 0 to 1440.")])
    expect(page.locator("#group-visited_on .error-message")).to_contain_text(
        msg("This date does not exist; check the month and day."))
    expect(page.locator("#visited_on")).to_have_attribute("aria-invalid", "true")
    assert "group-visited_on-error" in page.locator("#visited_on").get_attribute(
        "aria-describedby").split()
    expect(page.locator("#group-duration .error-message")).to_contain_text(
        msg("Enter minutes from 0 to 1440."))
    check_axe(page)
    today = page.evaluate("RocDate.dateTime(new Date()).split(' ')[0]")
    page.fill("#visited_on", today)
    page.fill("#visited_time", "00:05")
    page.fill("#duration", "25")
    page.locator("#step-next").click()
    _at_step(page, 4)
    expect(page.locator("#form-errors")).to_be_hidden()
    expect(page.locator("#visited_on")).not_to_have_attribute("aria-invalid", "true")

    # The browser's back button goes back one step, keeping the answers.
    page.go_back()
    expect(page.locator("#step-3")).to_be_visible()
    expect(page.locator("#visited_on")).to_have_value(today)
    for step in (4, 5, 6):
        page.locator("#step-next").click()
        _at_step(page, step)
    marker = f"stepped {uuid.uuid4()}"
    page.fill("#notes", marker)
    page.locator("#save-visit").click()
    page.wait_for_selector("#view-list:not([hidden])")
    expect(page.locator("#outbox-state")).to_contain_text(msg("Everything has been sent."),
                                                          timeout=30_000)
    expect(page.locator("#app-message")).to_have_text(msg("Visit sent."))
    assert _count(live_server, marker) == 1
    with live_server.app.app_context():
        visit = db.session.scalar(sa.select(Visit).where(Visit.notes == marker))
        assert (visit.kind, visit.outcome, visit.duration_minutes) == (
            "phone_call", "met_well", 25)
        db.session.remove()


def test_english_app_shows_english_village_names(phone_page, live_server, login):
    page = phone_page
    elders = _volunteer_elders(live_server)
    with live_server.app.app_context():
        village = db.session.get(IsolatedElder, elders[0]).person.village
        name_en, name_zh = village.name_en, village.name_zh
        db.session.remove()
    login(page, "volunteer")
    page.goto(live_server("/language/en?next=/visits/app"))
    page.wait_for_selector("#visits-app[data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "en"
    card = page.locator(f"#all-list a[href='#elder/{elders[0]}']")
    expect(card).to_contain_text(name_en)
    assert name_zh not in card.inner_text()
    card.click()
    expect(page.locator("#elder-details")).to_contain_text(name_en)
    assert name_zh not in page.locator("#elder-details").inner_text()
    # The list the phone keeps (no signal: the API cannot be reached) renders in English too.
    page.route("**/api/v1/elders*", lambda route: route.abort())
    page.goto(live_server("/visits/app"))
    page.wait_for_selector("#visits-app[data-ready='1']")
    expect(page.locator("#list-updated")).to_have_text(
        "Could not refresh: showing the list saved on this phone.")
    expect(page.locator(f"#all-list a[href='#elder/{elders[0]}']")).to_contain_text(name_en)
