"""Recording and answering an inquiry in the browser; the statistics and the outbox pass
axe at both sizes."""

from playwright.sync_api import expect


def test_record_and_answer_an_inquiry(desk_page, live_server, login, msg, check_axe):
    page = login(desk_page, "staff")
    page.goto(live_server("/inquiries/new"))
    check_axe(page)
    page.get_by_label(msg("What they asked")).fill("請問重陽禮金何時發放？")
    page.get_by_role("button", name=msg("Record the inquiry")).click()
    expect(page.locator("h1")).to_contain_text("號案件")
    page.get_by_label(msg("Response")).fill("已電話說明發放日期。")
    page.get_by_role("button", name=msg("Record the answer")).click()
    expect(page.locator("h1 .tag")).to_have_text(msg("Answered"))
    check_axe(page)


def test_statistics_and_outbox_on_a_phone(phone_page, live_server, login, check_axe, snap):
    page = login(phone_page, "supervisor")
    for path in ("/inquiries/statistics", "/inquiries?view=overdue", "/notify/outbox"):
        page.goto(live_server(path))
        check_axe(page)
    snap(page, "outbox-phone")
