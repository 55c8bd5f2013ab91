"""The data-quality page as staff use it, on a desk and on a phone: the counts table, a
count's list, the recount job and the stored counts' time, axe-core clean, no sideways scroll
at 390 px."""

from playwright.sync_api import expect


def _open_quality(page, url, login):
    login(page, "staff")
    page.goto(url("/people"))
    page.get_by_role("link", name="資料品質檢核").click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/quality")


def test_quality_page_on_a_desk(desk_page, url, login, check_axe, snap):
    page = desk_page
    _open_quality(page, url, login)
    assert page.locator("h1").inner_text() == "資料品質檢核"
    rows = page.locator("table tbody tr")
    assert rows.count() >= 2
    check_axe(page)
    snap(page, "quality-desk")
    # The demo district has people without a residence-since date: follow the first count.
    link = page.locator("table tbody a[href*='/people/quality/no_registered_on']").first
    count = int(link.inner_text().split()[0].replace(",", ""))
    link.click()
    page.wait_for_load_state()
    assert "/people/quality/no_registered_on?village=" in page.url
    listed = page.locator("table tbody tr td[data-label] a[href*='/people/']").count()
    assert listed == min(count, 25)
    check_axe(page)
    snap(page, "quality-list-desk")


def test_quality_page_on_a_phone(phone_page, url, login, check_axe, snap):
    page = phone_page
    login(page, "staff")
    page.goto(url("/people/quality"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
    snap(page, "quality-phone")


def test_recount_is_a_job_and_the_page_says_when_it_counted(desk_page, phone_page, url, login,
                                                           check_axe, snap, msg):
    page = desk_page
    _open_quality(page, url, login)
    # Counted live, or stored by a recount an earlier test's import started (the live server
    # is shared): either way the page says when its figures were counted.
    before = page.locator("#counted-at").inner_text()
    assert msg("(Counted just now)") in before or before.startswith("（計算於 "), before
    page.get_by_role("button", name=msg("Recount")).click()
    page.wait_for_url("**/jobs/*")
    expect(page.locator("#job-status")).to_have_text("完成。", timeout=30_000)
    expect(page.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "100")
    check_axe(page)
    snap(page, "quality-recount-job-desk")
    page.locator("#job-return").click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/quality")
    counted = page.locator("#counted-at").inner_text()
    assert counted.startswith("（計算於 ") and counted.endswith("）"), counted
    check_axe(page)
    snap(page, "quality-stored-desk")
    phone = phone_page
    login(phone, "staff")
    phone.goto(url("/people/quality"))
    assert phone.locator("#counted-at").inner_text().startswith("（計算於 ")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone)
    snap(phone, "quality-stored-phone")
    phone.goto(url("/"))
    check_axe(phone)
    snap(phone, "home-quality-phone")
    page.goto(url("/"))
    check_axe(page)
    snap(page, "home-quality-desk")
