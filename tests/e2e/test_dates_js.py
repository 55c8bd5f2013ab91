"""Dates that scripts write follow the server's rules: static/js/rocdate.js against its
Python twin (welfare.web show_date/show_datetime), and the volunteer app's own page."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from welfare.web import show_date, show_datetime

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "rocdate.js"
DAYS = ["2026-12-07", "1961-12-31", "2011-01-01", "1912-02-29"]
MOMENTS = ["2026-12-04T06:16:00Z", "2026-12-31T16:05:00Z", "2011-06-30T23:59:00Z"]


@pytest.mark.parametrize("lang,flask_lang", [("zh-Hant-TW", "zh_Hant_TW"), ("en", "en")])
def test_the_script_formats_as_the_server_does(browser, app, lang, flask_lang):
    # The browser sits in another zone: times are still shown in the office's.
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    page.set_content(f'<html lang="{lang}" data-tz="Asia/Taipei"><body></body></html>')
    page.add_script_tag(path=str(SCRIPT))
    got_days = page.evaluate("(days) => days.map(RocDate.date)", DAYS)
    got_moments = page.evaluate("(ms) => ms.map(RocDate.dateTime)", MOMENTS)
    got_time = page.evaluate("RocDate.time('2026-12-04T06:16:00Z')")
    context.close()
    with app.test_request_context(f"/?lang={flask_lang}"):
        want_days = [show_date(date.fromisoformat(d)) for d in DAYS]
        want_moments = [show_datetime(datetime.fromisoformat(m[:-1])) for m in MOMENTS]
    assert got_days == want_days
    assert got_moments == want_moments
    assert got_time == "14:16"
    if lang == "en":
        assert got_days[0] == "2026-12-07" and got_moments[0] == "2026-12-04 14:16"
    else:
        assert got_days == ["115/12/07", "050/12/31", "100/01/01", "001/02/29"]
        assert got_moments[0] == "115/12/04 14:16" and got_moments[1] == "116/01/01 00:05"


def test_the_volunteer_app_shows_roc_dates_and_a_24_hour_time(phone_page, live_server, login,
                                                               snap):
    page = phone_page
    login(page, "volunteer")
    page.goto(live_server("/visits/app"))
    page.wait_for_selector("#visits-app[data-ready='1']")
    expect(page.locator("#list-updated")).to_contain_text("/")
    updated = page.locator("#list-updated").inner_text()
    assert re.search(r"\b1\d\d/\d\d/\d\d \d\d:\d\d\b", updated), updated
    body = page.locator("#visits-app").inner_text()
    assert not re.search(r"\b(19|20)\d{2}[-/]\d{1,2}[-/]\d{1,2}\b|\b[AP]M\b|上午|下午", body)
    assert not re.search(r"\b1\d\d/\d{1,2}/\d\b|\b1\d\d/\d/\d\d\b", body), "unpadded ROC date"
    snap(page, "visits-app-dates")
