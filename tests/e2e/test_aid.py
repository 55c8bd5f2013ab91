"""Emergency aid in the browser: an application assessed by a clerk, approved by a supervisor
on a phone and paid at the counter after a check page; a second one refused with a reason and
its letter; the four-eyes refusal of a reversal, bank batches and the office's holidays;
every page passes axe at both sizes."""

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


def test_a_supervisor_reverses_a_payment_after_its_check_page(desk_page, phone_page,
                                                              live_server, login, msg,
                                                              check_axe, snap):
    for page, size in ((phone_page, "phone"), (desk_page, "desk")):
        login(page, "supervisor")
        page.goto(live_server("/aid?view=all"))
        paid = page.locator("tbody tr", has=page.locator(".tag", has_text=msg("Paid")))
        paid.first.locator("a").first.click()
        case_url = page.url
        page.get_by_role("link", name=msg("Reverse this payment")).click()
        expect(page.locator("h1")).to_have_text(msg("Check before reversing a payment"))
        check_axe(page)
        snap(page, f"aid-check-reverse-{size}")
        page.get_by_role("button", name=msg("Reverse this payment")).click()
        expect(page.locator(".error-summary")).to_be_visible()  # a reason is needed
        check_axe(page)
        page.get_by_label(msg("Why is this payment wrong?")).fill("金額點錯，應為 3,000 元。")
        page.get_by_label(msg("No, nothing to recover")).check()
        page.get_by_role("button", name=msg("Reverse this payment")).click()
        assert page.url == case_url
        expect(page.locator("h1 .tag").last).to_have_text(msg("Approved"))
        expect(page.locator("main")).to_contain_text("金額點錯，應為 3,000 元。")
        check_axe(page)
        snap(page, f"aid-reversed-{size}")


def test_causes_and_limits_page(desk_page, phone_page, live_server, login, msg, check_axe,
                                snap):
    boss = login(desk_page, "supervisor")
    boss.goto(live_server("/aid/causes"))
    check_axe(boss)
    boss.get_by_label(msg("Name in Chinese")).fill("低收入戶喪葬補助")
    boss.get_by_label(msg("Name in English")).fill("Funeral (low-income household)")
    boss.get_by_label(msg("Code (for files and statistics; cannot be changed)")).fill(
        "funeral_low")
    boss.get_by_label(msg("Most one case may receive (NT$)")).fill("10000")
    boss.get_by_role("button", name=msg("Add the cause")).click()
    expect(boss.locator("table")).to_contain_text("低收入戶喪葬補助")
    boss.get_by_label(msg("Most one household may receive in a calendar year (NT$)")).fill(
        "20000")
    boss.get_by_role("button", name=msg("Save the limit")).click()
    expect(boss.get_by_label(msg("Most one household may receive in a calendar year (NT$)"))
           ).to_have_value("20000")
    boss.get_by_role("link", name="低收入戶喪葬補助").click()
    check_axe(boss)
    snap(boss, "aid-cause-edit-desk")
    boss.get_by_label(msg("In use (offered for new applications)")).uncheck()
    boss.get_by_role("button", name=msg("Save"), exact=True).click()
    expect(boss.locator("tbody tr", has_text="低收入戶喪葬補助")).to_contain_text(
        msg("Out of use"))
    check_axe(boss)
    snap(boss, "aid-causes-desk")
    phone = login(phone_page, "supervisor")
    phone.goto(live_server("/aid/causes"))
    check_axe(phone)
    snap(phone, "aid-causes-phone")
    for page, size in ((desk_page, "desk"), (phone_page, "phone")):
        page.context.clear_cookies()
        login(page, "staff")
        page.goto(live_server("/aid/bank"))
        check_axe(page)
        snap(page, f"aid-bank-{size}")


def _in_app(live_server, work):
    """Run `work()` on the live server's database and commit (set-up a page cannot reach)."""
    from welfare.extensions import db

    with live_server.app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def _approved_case(staff_id, boss_id):
    from datetime import date

    import sqlalchemy as sa

    from welfare.aid.models import AidCase, AidCause
    from welfare.extensions import db
    from welfare.geo.models import Village

    cause = db.session.scalar(sa.select(AidCause).where(AidCause.code == "disaster"))
    case = AidCase(applicant_name="黃阿嬌", village_id=db.session.scalar(sa.select(Village.id)),
                   cause_id=cause.id, what_happened="住家火災。", happened_on=date(2026, 12, 1),
                   applied_on=date(2026, 12, 1), created_by_id=staff_id, status="approved",
                   proposed_amount=5000, assessed_by_id=staff_id, decided_by_id=boss_id,
                   decided_on=date(2026, 12, 2), approved_amount=5000)
    db.session.add(case)
    db.session.flush()
    return case


def test_whoever_recorded_a_payment_is_told_another_supervisor_reverses_it(
        desk_page, phone_page, live_server, login, msg, check_axe, snap):
    from datetime import date

    import sqlalchemy as sa

    from tests.e2e.conftest import DEMO_PASSWORD
    from welfare.aid.models import AidPayment
    from welfare.auth.models import User
    from welfare.extensions import db

    def set_up():
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        promoted = User(username="e2e-promoted", role="supervisor", display_name="升任主管")
        promoted.set_password(DEMO_PASSWORD)
        db.session.add(promoted)
        db.session.flush()
        case = _approved_case(promoted.id, boss.id)
        case.status = "paid"
        payment = AidPayment(case_id=case.id, method="counter", amount=5000,
                             paid_on=date(2026, 12, 3), recorded_by_id=promoted.id)
        db.session.add(payment)
        db.session.flush()
        return f"/aid/{case.id}", f"/aid/{case.id}/payments/{payment.id}/reverse"

    case_url, reverse_url = _in_app(live_server, set_up)
    for page, size in ((phone_page, "phone"), (desk_page, "desk")):
        login(page, "e2e-promoted", fresh=True)
        page.goto(live_server(case_url))
        page.get_by_role("link", name=msg("Reverse this payment")).click()
        assert page.url.endswith(case_url)
        expect(page.locator("main")).to_contain_text(
            msg("You recorded this payment: another supervisor reverses it."))
        check_axe(page)
        snap(page, f"aid-reverse-four-eyes-{size}")
        page.context.clear_cookies()
    login(desk_page, "supervisor")
    desk_page.goto(live_server(reverse_url))
    expect(desk_page.locator("h1")).to_have_text(msg("Check before reversing a payment"))


def test_a_bank_batch_is_made_once_and_its_page(desk_page, phone_page, live_server, login,
                                                msg, check_axe, snap):
    from datetime import date

    import sqlalchemy as sa

    from welfare.aid.models import AidPayment
    from welfare.auth.models import User
    from welfare.extensions import db

    def set_up():
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        case = _approved_case(staff.id, boss.id)
        db.session.add(AidPayment(case_id=case.id, method="bank", amount=5000,
                                  paid_on=date(2026, 12, 3), recorded_by_id=staff.id,
                                  bank="post_office", account_number="0001234-0012345",
                                  bank_result="pending"))

    _in_app(live_server, set_up)
    clerk = login(desk_page, "staff")
    clerk.goto(live_server("/aid/bank"))
    check_axe(clerk)
    snap(clerk, "aid-bank-waiting-desk")
    with clerk.expect_download() as made:
        clerk.get_by_role("button", name=msg("Make a batch and download its file (CSV)")).click()
    assert "batch" in made.value.suggested_filename
    clerk.goto(live_server("/aid/bank"))
    expect(clerk.get_by_role("button", name=msg("Make a batch and download its file (CSV)"))
           ).to_have_count(0)
    clerk.locator("#batches-caption").scroll_into_view_if_needed()
    clerk.locator("tbody tr").filter(has_text=msg("%(n)s waiting", n=1)).first.locator(
        "a").click()
    expect(clerk.locator("h1")).to_contain_text(msg("Bank batch %(n)s", n="").strip())
    check_axe(clerk)
    snap(clerk, "aid-batch-desk")
    phone = login(phone_page, "staff")
    phone.goto(clerk.url)
    check_axe(phone)
    snap(phone, "aid-batch-phone")
    phone.goto(live_server("/aid/bank"))
    check_axe(phone)
    snap(phone, "aid-bank-batches-phone")


def test_the_admin_keeps_the_office_holidays(desk_page, phone_page, live_server, login, msg,
                                             check_axe, snap):
    admin = login(desk_page, "admin")
    admin.goto(live_server("/users"))
    admin.get_by_role("link", name=msg("The office's holidays")).click()
    expect(admin.locator("h1")).to_have_text(msg("The office's holidays"))
    expect(admin.locator("main")).to_contain_text("行憲紀念日")
    check_axe(admin)
    admin.get_by_label(msg("Date"), exact=True).fill("116/01/02")
    admin.get_by_label(msg("Name of the holiday")).fill("測試")
    admin.get_by_role("button", name=msg("Add the date")).click()
    expect(admin.locator(".error-summary")).to_be_visible()  # a Saturday
    check_axe(admin)
    admin.get_by_label(msg("Date"), exact=True).fill("116/01/01")
    admin.get_by_label(msg("Name of the holiday")).fill("開國紀念日")
    admin.get_by_role("button", name=msg("Add the date")).click()
    expect(admin.locator("#year-2027")).to_be_visible()
    check_axe(admin)
    snap(admin, "holidays-desk")
    admin.get_by_role("button", name=msg("Remove %(day)s %(name)s", day="116/01/01",
                                          name="開國紀念日")).click()
    expect(admin.locator("#year-2027")).to_have_count(0)
    phone = login(phone_page, "admin")
    phone.goto(live_server("/holidays"))
    check_axe(phone)
    snap(phone, "holidays-phone")


def test_money_to_recover_after_a_reversal_and_overdue_work_first(
        desk_page, phone_page, live_server, login, msg, check_axe, snap):
    from datetime import date

    import sqlalchemy as sa

    from welfare.aid.models import AidPayment
    from welfare.auth.models import User
    from welfare.extensions import db

    def set_up():
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        case = _approved_case(staff.id, boss.id)
        case.status = "paid"
        payment = AidPayment(case_id=case.id, method="counter", amount=5000,
                             paid_on=date(2026, 12, 3), recorded_by_id=staff.id)
        db.session.add(payment)
        db.session.flush()
        return f"/aid/{case.id}", f"/aid/{case.id}/payments/{payment.id}/reverse"

    case_url, reverse_url = _in_app(live_server, set_up)
    boss = login(phone_page, "supervisor")
    boss.goto(live_server(reverse_url))
    boss.get_by_label(msg("Why is this payment wrong?")).fill("發給了同名的另一人。")
    boss.get_by_role("button", name=msg("Reverse this payment")).click()
    expect(boss.locator(".error-summary")).to_contain_text(
        msg("Say whether the money is to be recovered."))
    check_axe(boss)
    boss.get_by_label(msg("Yes, to be recovered")).check()
    boss.get_by_role("button", name=msg("Reverse this payment")).click()
    expect(boss.locator("main")).to_contain_text(msg("Money to recover"))
    clerk = login(desk_page, "staff")
    clerk.goto(live_server("/aid?view=to_recover"))
    check_axe(clerk)
    clerk.locator(f"a[href='{case_url}']").first.click()
    clerk.get_by_role("link", name=msg("Record the money as returned")).click()
    expect(clerk.locator("h1")).to_have_text(msg("Check before recording money returned"))
    check_axe(clerk)
    snap(clerk, "aid-check-recovery-desk")
    clerk.get_by_label(msg("Returned on")).fill("115/12/08")
    clerk.get_by_role("button", name=msg("Record the money as returned")).click()
    expect(clerk.locator("main")).to_contain_text("115/12/08")
    check_axe(clerk)
    # The home page: overdue aid work says so, and comes before what is merely due soon.
    clerk.goto(live_server("/"))
    assess = clerk.locator(".work-item", has=clerk.locator("a[href='/aid?view=open']"))
    expect(assess.locator(".work-tag")).to_have_text(msg("Overdue"))
    tags = clerk.locator(".work-tag").all_inner_texts()
    assert msg("Due soon") not in tags[:tags.index(msg("Overdue"))]
    snap(clerk, "home-staff-desk")
