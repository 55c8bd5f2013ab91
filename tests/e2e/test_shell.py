"""The page shell on a phone and a desk: a compact header with a menu button on phones,
the whole menu on a desk; each role's home lists its waiting work."""

import pytest
from playwright.sync_api import expect


def _header_height(page):
    return page.evaluate("document.querySelector('header.site-header')"
                         ".getBoundingClientRect().height")


def test_phone_header_is_compact_and_the_menu_opens(phone_page, login, msg, check_axe, snap):
    page = login(phone_page, "staff")
    button = page.locator("#menu-button")
    nav = page.locator("nav.main-nav")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    # Sign-out stays one tap away (a shared phone); the language link waits in the menu.
    expect(page.get_by_role("button", name=msg("Sign out"))).to_be_visible()
    expect(page.locator("header .who")).to_be_hidden()
    assert _header_height(page) <= 80
    check_axe(page)

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(page.locator("header .who")).to_be_visible()
    expect(nav.get_by_role("link", name=msg("Statistics"))).to_be_visible()
    snap(page, "menu-open-phone")
    check_axe(page)

    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(nav).to_be_hidden()

    button.click()
    nav.get_by_role("link", name=msg("Statistics")).click()
    expect(page.locator("h1")).to_have_text(msg("Statistics"))
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "false")


def test_desk_shows_the_whole_menu_without_a_button(desk_page, login, msg):
    page = login(desk_page, "staff")
    expect(page.locator("#menu-button")).to_be_hidden()
    expect(page.locator("nav.main-nav").get_by_role("link", name=msg("Statistics"))).to_be_visible()
    expect(page.get_by_role("button", name=msg("Sign out"))).to_be_visible()


def test_without_javascript_the_phone_menu_stays_open(browser, live_server, demo_logins):
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server("/login"))
    page.fill("#username", "staff")
    page.fill("#password", demo_logins["password"])
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("nav.main-nav")).to_be_visible()
    expect(page.locator("#menu-button")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("role", ["admin", "staff", "supervisor", "volunteer", "serviceman"])
def test_every_home_lists_the_waiting_work(role, phone_page, login, msg, check_axe, snap):
    page = login(phone_page, role)
    expect(page.locator("#worklist-title")).to_have_text(msg("Waiting for you"))
    items = page.locator(".work-item")
    if items.count():
        first = items.first
        expect(first.locator(".work-tag")).to_be_visible()
        assert first.locator("a.work-title").get_attribute("href")
    else:
        expect(page.get_by_text(msg("Nothing is waiting for you now."))).to_be_visible()
    snap(page, f"home-{role}-phone")
    check_axe(page)


def test_statistics_on_a_phone_put_tables_first(phone_page, live_server, login, msg,
                                               check_axe):
    page = login(phone_page, "supervisor")
    page.goto(live_server("/reports"))
    figure = page.locator("#fig-age_sex")
    chart = figure.locator("details.chart-details")
    expect(figure.locator("table")).to_be_visible()
    expect(chart.locator("svg.chart")).to_be_hidden()
    table_top = figure.locator("table").bounding_box()["y"]
    assert table_top < chart.bounding_box()["y"]
    chart.locator("summary").click()
    expect(chart.locator("svg.chart")).to_be_visible()
    page.evaluate("document.querySelectorAll('details.chart-details').forEach(d => d.open = true)")
    smallest = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const sizes = [...svg.querySelectorAll('text')].map(
            t => parseFloat(t.getAttribute('font-size') || svg.getAttribute('font-size')));
        return Math.min(...sizes) * scale; })""")
    assert len(smallest) >= 4 and min(smallest) >= 11.5, smallest
    check_axe(page)
