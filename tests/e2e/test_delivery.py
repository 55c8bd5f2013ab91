"""Relief delivery in the browser: plan, optimise, map without tiles, route sheet, and the
serviceman recording outcomes on a phone (online and offline through the outbox)."""

import re
import subprocess

import sqlalchemy as sa
from playwright.sync_api import expect

from welfare.delivery.models import DeliveryEvent, DeliveryOutcome, DeliveryRoute, Vehicle
from welfare.extensions import db

OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1)")


def no_network(page):
    """Tiles and anything else off this site fail, as with no network."""
    page.route(OFF_SITE, lambda route: route.abort())


def test_staff_plans_optimises_and_prints(
    desk_page, live_server, login, check_axe, msg, snap, tmp_path
):
    page = desk_page
    no_network(page)
    login(page, "staff")
    page.goto(live_server("/delivery/events/new"))
    check_axe(page)
    page.fill("#name", "端午節關懷 e2e")
    page.fill("#event_date", "115/06/10")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/delivery/events/\d+$"))
    page.check("input[name=f-kinds][value=low]")
    page.get_by_role("button", name=msg("Add these recipients")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=msg("Optimise routes")).click()
    page.wait_for_url(re.compile(r"#routes$"), timeout=60_000)
    # Markers and lines are drawn even though no tile could load.
    assert page.locator(".leaflet-marker-icon .map-pin").count() >= 5
    assert page.locator("path.leaflet-interactive").count() >= 1
    check_axe(page)
    snap(page, "delivery-event-desk")
    page.locator(".route-cards a", has_text=re.compile(".")).first.click()
    page.wait_for_load_state()
    assert page.locator(".leaflet-marker-draggable").count() >= 1
    assert page.locator("ol.stop-list > li").count() >= 1
    check_axe(page)
    pdf = page.request.get(page.url + "/sheet.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "端午節關懷 e2e" in text and "送貨路線單" in text and "簽收" in text


def _demo_route(live_server):
    with live_server.app.app_context():
        route = db.session.scalar(
            sa.select(DeliveryRoute)
            .join(Vehicle)
            .join(DeliveryEvent)
            .where(DeliveryEvent.name.like("%歲末送溫情"), Vehicle.vehicle_type == "van")
        )
        return route.id, [s.id for s in route.stops]


def _outcomes(live_server, stop_id):
    with live_server.app.app_context():
        return db.session.scalars(
            sa.select(DeliveryOutcome.outcome).where(DeliveryOutcome.stop_id == stop_id)
        ).all()


def test_serviceman_records_outcomes_on_phone(phone_page, live_server, login, check_axe, msg, snap):
    page = phone_page
    no_network(page)
    login(page, "serviceman")
    route_id, stops = _demo_route(live_server)
    page.goto(live_server("/delivery/my"))
    check_axe(page)
    page.locator(f"a[href$='/delivery/my/routes/{route_id}']").click()
    page.wait_for_load_state()
    check_axe(page)
    expect(page.locator("#progress")).to_contain_text(f"1 / {len(stops)}")
    assert page.locator("a[href^='geo:']").count() == 1
    # Online: the report reaches the server through the outbox, then the next stop shows.
    page.get_by_label(msg("Delivered"), exact=True).check()
    page.get_by_role("button", name=msg("Save report")).click()
    # (expect, not wait_for_function: its polling evaluates strings, which the CSP refuses)
    expect(page.locator("#progress")).to_contain_text(f"2 / {len(stops)}", timeout=30_000)
    assert _outcomes(live_server, stops[0]) == ["delivered"]
    # Offline: it waits on the phone, then goes exactly once when the signal returns.
    page.context.set_offline(True)
    page.get_by_label(msg("Not home"), exact=True).check()
    page.get_by_role("button", name=msg("Save report")).click()
    page.wait_for_selector("#outbox-status:not([hidden])")
    assert _outcomes(live_server, stops[1]) == []
    snap(page, "delivery-phone-offline")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(80):
        if _outcomes(live_server, stops[1]):
            break
        page.wait_for_timeout(100)
    assert _outcomes(live_server, stops[1]) == ["not_home"]
    page.reload()
    assert _outcomes(live_server, stops[1]) == ["not_home"]
    check_axe(page)


def test_serviceman_cannot_open_anothers_route(phone_page, live_server, login):
    login(phone_page, "serviceman")
    with live_server.app.app_context():
        other = db.session.scalar(
            sa.select(DeliveryRoute.id).join(Vehicle).where(Vehicle.vehicle_type == "scooter")
        )
    response = phone_page.goto(live_server(f"/delivery/my/routes/{other}"))
    assert response.status == 404
