"""Dates, months and years shown by the interface language's rules: ROC in Chinese, ISO
and AD in English."""


def test_recorded_values_show_their_dates_in_the_interface_language(app):
    from welfare.web import show_recorded

    with app.test_request_context("/?lang=zh_Hant_TW"):
        assert show_recorded("1961-12-31") == "050/12/31"
        assert show_recorded({"80": "1961-12-31"}) == "{'80': '050/12/31'}"
        assert show_recorded("2026-12-05T06:14:16.123+00:00") == "115/12/05 14:14"
        assert show_recorded("2026-02-30") == "2026-02-30"  # not a date: as recorded
        assert show_recorded(None) == "" and show_recorded(12) == "12"
    with app.test_request_context("/?lang=en"):
        assert show_recorded("1961-12-31") == "1961-12-31"
        assert show_recorded("2026-12-05T06:14:16+00:00") == "2026-12-05 14:14"


def test_years_and_months_follow_the_interface_language(app):
    from datetime import date

    from welfare.web import show_month, show_year

    with app.test_request_context("/?lang=zh_Hant_TW"):
        assert show_year(2027) == "116" and show_year(None) == ""
        assert show_month("2025-01") == "114/01" and show_month(date(2011, 12, 5)) == "100/12"
    with app.test_request_context("/?lang=en"):
        assert show_year(2027) == "2027" and show_month("2025-01") == "2025-01"


def test_the_statistics_filter_takes_and_shows_roc_months(client, staff_user):
    from flask_babel import refresh

    page = client.get("/reports?start=114/01&end=114/03").text
    assert 'value="114/01"' in page and 'value="114/03"' in page
    assert 'value="114/01"' in client.get("/reports?start=2025-01&end=2025-03").text
    refresh()  # the test's one app context keeps the locale of its first request
    english = client.get("/reports?start=114/01&end=114/03&lang=en").text
    assert 'value="2025-01"' in english and 'value="2025-03"' in english


def test_a_persons_page_shows_every_date_in_one_roc_style(client, staff_user, make_person):
    from datetime import date

    person = make_person(birth_date=date(1965, 12, 21))
    page = client.get(f"/people/{person.id}").text
    assert "054/12/21" in page and "54年12月21日" not in page
