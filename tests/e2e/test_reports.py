"""Statistics and open data in a real browser: numbers, map, downloads, print, axe."""

import csv
import io
import re
from datetime import date

import sqlalchemy as sa

from welfare.extensions import db
from welfare.reports import snapshots
from welfare.roster.models import Person
from welfare.roster.rules import age_band_for

LOCAL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)")


def keep_local(page):
    """Tiles and anything else off this machine are refused: pages must work without them."""
    refused = []

    def route(r):
        if LOCAL.match(r.request.url):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return refused


def roster_total(live_server):
    """The live roster's count, with today's stored snapshot counted afresh: browser tests
    before this one merge, hold and import people, and the dashboard rightly shows its stored
    count (saying the roster changed since) until a background recount has run."""
    today = date.today()
    with live_server.app.app_context():
        snapshots.refresh(today)
        db.session.commit()
        people = db.session.scalars(sa.select(Person).where(
            Person.merged_into_id.is_(None), Person.status == "registered")).all()
        total = sum(1 for p in people if p.birth_date <= today and
                    (p.registered_on is None or p.registered_on <= today))
        oldest = sum(1 for p in people if age_band_for(p.birth_date, today) == "100+")
        return total, oldest


def test_dashboard_on_a_desk(desk_page, live_server, login, check_axe, snap):
    page = desk_page
    refused = keep_local(page)
    login(page, "staff")
    total, _oldest = roster_total(live_server)
    page.goto(live_server("/reports"))
    check_axe(page)
    footer = page.locator("#fig-villages tfoot td").first
    assert footer.inner_text().replace(",", "") == str(total)
    assert page.locator("svg.chart[role=img]").count() >= 4
    snap(page, "reports-dashboard-desk")
    with page.expect_download() as download:
        page.locator("#fig-age_sex a[download]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # Print: the filters and links disappear, every figure stays.
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert page.locator("#fig-villages table").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3
    assert not [u for u in refused if re.search(r"\.(js|css)(\?|$)", u)]


def test_map_and_filters_on_a_phone(phone_page, live_server, login, check_axe, snap):
    page = phone_page
    refused = keep_local(page)
    login(page, "supervisor")
    page.goto(live_server("/reports"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("#f-village", index=1)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "village=" in page.url
    assert page.locator("#fig-villages tbody tr").count() == 1
    check_axe(page)
    page.goto(live_server("/reports/map?measure=villages.people"))
    page.wait_for_selector(".leaflet-interactive")
    assert page.locator(".leaflet-interactive").count() == 24
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
    snap(page, "reports-map-phone")
    html = page.content()
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//(?!127\.0\.0\.1)', html)
    assert not [u for u in refused if re.search(r"\.(js|css)(\?|$)", u)]


def test_open_data_without_signing_in(desk_page, live_server, check_axe, snap):
    page = desk_page
    keep_local(page)
    page.goto(live_server("/"))
    page.get_by_role("link", name=re.compile("開放資料|Open data")).click()
    page.wait_for_load_state()
    assert page.url.endswith("/open-data")
    check_axe(page)
    snap(page, "reports-open-data")
    links = page.locator("a[href$='.csv']")
    assert links.count() >= 2
    response = page.request.get(links.first.get_attribute("href"))
    assert response.ok
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert len(rows) > 24
    assert all(cell not in ("1", "2") for row in rows[1:] for cell in row)
