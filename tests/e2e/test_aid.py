"""Emergency aid in the browser: an application assessed by a clerk, approved by a supervisor
on a phone and paid at the counter after a check page; a second one refused with a reason and
its letter; every page passes axe at both sizes."""

import os

from playwright.sync_api import expect


def _apply_and_assess(page, live_server, msg, check_axe, snap, story, amount):
    page.goto(live_server("/aid/new"))
    check_axe(page)
    page.get_by_label(msg("Applicant's name (if not on the register)")).fill("林阿花")
    page.get_by_label(msg("Village (if not on the register)")).select_option(index=1)
    page.get_by_label(msg("People in the household")).fill("3")
    page.get_by_label(msg("What happened to them"), exact=True).fill(story)
    page.get_by_label(msg("When it happened")).fill("115/12/01")
    page.get_by_label(msg("ID card"), exact=True).check()
    page.get_by_label(msg("Referred by")).select_option("village_chief")
    page.get_by_label(msg("Name of the village chief or social worker")).fill("王里長")
    snap(page, "aid-new-desk")
    page.get_by_role("button", name=msg("Record the application")).click()
    expect(page.locator("h1 .tag").last).to_have_text(msg("Applied"))
    case_url = page.url
    page.get_by_label(msg("Household income per month, as stated (NT$)")).fill("15000")
    page.get_by_label(msg("Savings and property, as stated (NT$)")).fill("20000")
    page.get_by_label(msg("Home visit notes")).fill("已家訪，情況屬實。")
    page.get_by_label(msg("Proposed amount (NT$)")).fill(str(amount))
    page.get_by_role("button", name=msg("Record the assessment")).click()
    expect(page.locator("h1 .tag").last).to_have_text(msg("Assessed"))
    check_axe(page)
    return case_url


def test_application_to_payment_and_a_refusal(desk_page, phone_page, live_server, login, msg,
                                              check_axe, snap):
    clerk = login(desk_page, "staff")
    approved_url = _apply_and_assess(clerk, live_server, msg, check_axe, snap,
                                     "先生過世，喪葬費無力負擔。", 8000)
    boss = login(phone_page, "supervisor")
    boss.goto(approved_url)
    check_axe(boss)
    boss.get_by_label(msg("Approve"), exact=True).check()
    boss.get_by_role("button", name=msg("Continue")).click()
    expect(boss.locator("h1")).to_have_text(msg("Check the decision"))
    check_axe(boss)
    snap(boss, "aid-check-decision-phone")
    boss.get_by_role("button", name=msg("Confirm the decision")).click()
    expect(boss.locator("h1 .tag").last).to_have_text(msg("Approved"))

    clerk.goto(approved_url)
    clerk.get_by_role("link", name=msg("Record the payment")).click()
    check_axe(clerk)
    clerk.get_by_label(msg("I have checked the case, the amount and who receives it")).check()
    clerk.get_by_role("button", name=msg("Continue")).click()
    expect(clerk.locator("h1")).to_have_text(msg("Check the payment"))
    check_axe(clerk)
    snap(clerk, "aid-check-payment-desk")
    clerk.get_by_role("button", name=msg("Confirm the payment")).click()
    expect(clerk.locator("h1 .tag").last).to_have_text(msg("Paid"))
    check_axe(clerk)
    snap(clerk, "aid-paid-desk")
    letter = clerk.request.get(approved_url + "/letter.pdf")
    assert letter.ok and letter.body().startswith(b"%PDF")

    refused_url = _apply_and_assess(clerk, live_server, msg, check_axe, snap,
                                    "家中遭竊，生活費全數被偷。", 3000)
    boss.goto(refused_url)
    boss.get_by_label(msg("Refuse"), exact=True).check()
    boss.get_by_role("button", name=msg("Continue")).click()
    expect(boss.locator(".error-summary")).to_be_visible()  # a refusal needs its reason
    check_axe(boss)
    boss.get_by_label(msg("Reason for refusal")).fill("家庭存款超過救助標準。")
    boss.get_by_role("button", name=msg("Continue")).click()
    boss.get_by_role("button", name=msg("Confirm the decision")).click()
    expect(boss.locator("h1 .tag").last).to_have_text(msg("Not approved"))
    expect(boss.locator("main")).to_contain_text("家庭存款超過救助標準。")
    check_axe(boss)
    snap(boss, "aid-refused-phone")


def test_lists_and_statistics_at_both_sizes(desk_page, phone_page, live_server, login,
                                            check_axe, snap):
    """The aid lists and statistics, and the dashboard's aid figure with its chart."""
    for page, size in ((desk_page, "desk"), (phone_page, "phone")):
        login(page, "supervisor")
        for path, name in (("/aid?view=overdue", "overdue"), ("/aid?view=all", "all"),
                           ("/aid/statistics", "statistics")):
            page.goto(live_server(path))
            check_axe(page)
            snap(page, f"aid-{name}-{size}")
        page.goto(live_server("/reports"))
        figure = page.locator("#fig-aid")
        expect(figure.locator("svg.chart")).to_have_count(1)
        folder = os.environ.get("E2E_SCREENSHOTS")
        if folder:  # the figure alone: the whole dashboard is many screens long
            figure.screenshot(path=f"{folder}/aid-dashboard-{size}.png")
