"""The data-quality page as staff use it, on a desk and on a phone: the counts table, a
count's list, axe-core clean, no sideways scroll at 390 px."""


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
