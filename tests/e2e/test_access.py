"""Volunteers and servicemen never reach the roster, exports, audit log or accounts."""

import pytest

# Direct addresses a curious volunteer might type.
OFFICE_ONLY = [
    "/people", "/people/1", "/people/new", "/people/1/edit", "/households", "/households/1",
    "/elders", "/elders/1", "/duplicates", "/low-income/expiring", "/audit", "/users",
    "/users/1", "/people/export.csv", "/people/export.xlsx", "import_upload",
]


def resolve(live_server, address):
    """The path for an address or endpoint name; a renamed or removed page fails here."""
    from flask import url_for

    with live_server.app.test_request_context():
        if not address.startswith("/"):
            return url_for(f"roster.{address}")
        live_server.app.url_map.bind("localhost").match(address, method="GET")
    return address


@pytest.fixture(scope="module")
def forbidden_pages(live_server):
    return [resolve(live_server, a) for a in OFFICE_ONLY]


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_get_the_403_page_everywhere(role, phone_page, live_server, login, msg,
                                                 forbidden_pages, check_axe, snap):
    assert "/people" in forbidden_pages and "/users" in forbidden_pages
    page = login(phone_page, role)
    heading = msg("You cannot open this page")
    for path in forbidden_pages:
        response = page.goto(live_server(path))
        assert response.status == 403, f"{role} opened {path}: {response.status}"
        assert page.locator("h1").inner_text().strip() == heading, path
    # Their menu does not even offer the office pages.
    menu = page.locator("nav.main-nav").inner_text()
    for label in ("Residents", "Households", "Audit log", "Accounts"):
        assert msg(label) not in menu
    snap(page, f"403-{role}-phone")
    check_axe(page)


def test_anonymous_visitors_are_sent_to_sign_in(desk_page, live_server, forbidden_pages,
                                                check_axe):
    page = desk_page
    for path in ["/", *forbidden_pages]:
        page.goto(live_server(path))
        assert "/login" in page.url, f"{path} ended at {page.url}"
        assert page.locator("#username").is_visible()
    check_axe(page)


def test_the_404_page(desk_page, live_server, login, msg, check_axe):
    page = login(desk_page, "staff")
    response = page.goto(live_server("/people/999999"))
    assert response.status == 404
    assert page.locator("h1").inner_text().strip() == msg("Page not found")
    check_axe(page)
