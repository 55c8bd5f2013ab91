"""The serviceman's route on a 390 px phone: one stop per screen, the next stop first, an
empty report answered by the server's error summary, a real report moving on to the next
stop, and the list to jump from; axe finds nothing on any of these screens."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from welfare.auth.models import User
from welfare.delivery.models import DeliveryOutcome, DeliveryRoute, Vehicle
from welfare.extensions import db

OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1)")


def _route_of(live_server, username):
    with live_server.app.app_context():
        route = db.session.scalar(
            sa.select(DeliveryRoute).join(Vehicle).join(User, Vehicle.user_id == User.id)
            .where(User.username == username)
        )
        return route.id, [(s.id, s.recipient_name) for s in route.stops]


def _outcomes(live_server, stop_id):
    with live_server.app.app_context():
        return db.session.scalars(
            sa.select(DeliveryOutcome.outcome).where(DeliveryOutcome.stop_id == stop_id)
        ).all()


def test_one_stop_per_screen_at_390px(phone_page, live_server, login, check_axe, msg, snap):
    page = phone_page
    page.route(OFF_SITE, lambda route: route.abort())  # no tiles, as on patchy data
    login(page, "serviceman2")
    route_id, stops = _route_of(live_server, "serviceman2")
    total = len(stops)
    assert total >= 3
    page.goto(live_server("/delivery/my"))
    check_axe(page)
    page.locator(f"a[href$='/delivery/my/routes/{route_id}']").click()
    # The next stop first, alone on its screen, with its map and big buttons.
    expect(page.locator("#progress")).to_contain_text(f"1 / {total}")
    expect(page.locator("h1")).to_contain_text(stops[0][1])
    assert page.locator("input[name=outcome]").count() == 6
    assert page.locator(".phone-map .leaflet-marker-icon").count() == 1
    assert page.locator("a[href^='geo:']").count() == 1
    save = page.get_by_role("button", name=msg("Save report"))
    box = save.bounding_box()
    assert box["height"] >= 48
    choices = page.locator(".phone-choice")
    first, second = choices.nth(0).bounding_box(), choices.nth(1).bounding_box()
    assert first["height"] >= 48 and second["y"] - (first["y"] + first["height"]) >= 8
    check_axe(page)
    snap(page, "serviceman-stop-1")
    # An empty report: the server's error summary, not the browser's popup.
    save.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(msg("Choose what happened at the door."))
    expect(page.locator("#progress")).to_contain_text(f"1 / {total}")
    assert _outcomes(live_server, stops[0][0]) == []
    check_axe(page)
    snap(page, "serviceman-stop-error")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(msg("Delivered"), exact=True)).to_be_focused()
    # A real report: saved, and on to the next stop.
    page.get_by_label(msg("Delivered"), exact=True).check()
    page.get_by_role("button", name=msg("Save report")).click()
    expect(page.locator("#progress")).to_contain_text(f"2 / {total}", timeout=30_000)
    expect(page.locator("h1")).to_contain_text(stops[1][1])
    expect(page.locator(".phone-progress")).to_contain_text(
        msg("%(d)s of %(n)s stops reported.", d=1, n=total))
    assert _outcomes(live_server, stops[0][0]) == ["delivered"]
    check_axe(page)
    # Previous and the list to jump from.
    page.get_by_role("link", name=msg("Previous stop")).click()
    expect(page.locator("#progress")).to_contain_text(f"1 / {total}")
    page.get_by_role("link", name=msg("All stops")).click()
    expect(page.locator("h1")).to_have_text(msg("All stops"))
    check_axe(page)
    snap(page, "serviceman-stop-list")
    page.locator(".phone-stop-list a").nth(2).click()
    expect(page.locator("#progress")).to_contain_text(f"3 / {total}")
    expect(page.locator("h1")).to_contain_text(stops[2][1])
