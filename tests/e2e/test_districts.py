"""A city bureau's statistics in a real browser: two districts (林園區, 那瑪夏區), the district
filter, the figure per district with its city-wide total, axe on a phone and a desk."""

import random
from datetime import date

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, DESK, PHONE
from tests.live import Server, fresh_database, live_app
from welfare.demo.cli import SeedContext, seed_all
from welfare.extensions import db


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    url, drop = fresh_database(tmp_path_factory.mktemp("city-e2e"), "city_e2e")
    app = live_app(url, WELFARE_DISTRICT="64000130,64000380", SESSION_COOKIE_SECURE=False)
    with app.app_context():
        seed_all(SeedContext(rng=random.Random(380), today=date.today(), people=500,
                             password=DEMO_PASSWORD, echo=lambda *a, **k: None))
        db.session.commit()
        db.session.remove()
    server = Server(app)
    yield server
    server.stop()
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    drop()
    assert not server.errors, server.errors


@pytest.mark.parametrize("device", ["phone", "desk"])
def test_the_bureau_reads_each_district_and_the_city(browser, city, check_axe, device):
    context = browser.new_context(base_url=city.url, locale="zh-TW", timezone_id="Asia/Taipei",
                                  **(PHONE if device == "phone" else DESK))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(city.url)
                  else r.abort())
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("#username", "admin")
        page.fill("#password", DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto("/reports")
        check_axe(page)
        rows = page.locator("#fig-districts tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).locator("th").inner_text() == "林園區"
        total = page.locator("#fig-districts tfoot tr")
        assert total.locator("th, td").first.inner_text() == "全市合計"
        city_people = total.locator("td").nth(1).inner_text()
        namaxia_people = rows.nth(1).locator("td").nth(1).inner_text()
        page.select_option("#f-district", "64000380")
        page.locator("form.filters button[type=submit]").click()
        page.wait_for_load_state()
        assert "district=64000380" in page.url
        check_axe(page)
        assert page.locator("#fig-districts").count() == 0
        assert "行政區：那瑪夏區。" in page.locator(".report-meta").inner_text()
        villages_total = page.locator("#fig-villages tfoot td").first.inner_text()
        assert villages_total == namaxia_people != city_people
        page.goto("/reports/map?district=64000380")
        check_axe(page)
        assert page.locator(".report-map path.leaflet-interactive").count() == 3
    finally:
        context.close()
