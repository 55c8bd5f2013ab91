"""Freezing and approving a round each go through a check page (what will happen, people and
money by tier and village, who prepared it) and one clear button; the close and reversal
check pages too. axe-core at 390 and 1280 px on each."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth.models import User
from welfare.extensions import db
from welfare.rounds import services
from welfare.rounds.models import Payout, Round, RoundEntry


def prefix(msg, msgid):
    """The text of a button label before its figures."""
    return msg(msgid, people="\x00", amount="\x00").split("\x00")[0]


def draft_round(live_server):
    """A draft round of our own (the demo's rounds stay as other tests expect them)."""
    today = date.today()
    with live_server.app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        data = services.new_round_data("dragon_boat", today.year) | {
            "name": "e2e 確認頁端午", "payout_start": today - timedelta(days=1),
            "payout_end": today + timedelta(days=10), "late_claim_end": today + timedelta(days=40)}
        round_ = services.create_round(data, actor=staff)
        db.session.commit()
        return round_.id


def at_both_sizes(page, phone, url, check_axe, snap, name):
    """The page as it is now, checked by axe at 1280 px, then on the phone at 390 px."""
    check_axe(page)
    snap(page, f"{name}-desk")
    phone.goto(url)
    phone.wait_for_load_state()
    check_axe(phone)
    snap(phone, f"{name}-phone")


def test_freeze_and_approve_through_their_check_pages(desk_page, phone_page, browser, login,
                                                      url, msg, check_axe, snap, live_server):
    round_id = draft_round(live_server)
    page, phone = desk_page, phone_page
    login(page, "staff")
    login(phone, "staff")
    page.goto(url(f"/rounds/{round_id}"))
    page.get_by_role("link", name=msg("Freeze the roster"), exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rounds/{round_id}/freeze")
    assert page.get_by_role("heading", level=1).inner_text() == msg(
        "Check before freezing the roster")
    assert page.get_by_role("table", name=msg("People and amounts by tier")).is_visible()
    assert page.get_by_role("table", name=msg("People and amounts by village")).is_visible()
    at_both_sizes(page, phone, page.url, check_axe, snap, "rounds-check-freeze")
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "draft"  # looking changes nothing
    button = page.get_by_role("button", name=re.compile(
        "^" + re.escape(prefix(msg, "Freeze the roster: %(people)s, %(amount)s"))))
    label = button.inner_text()
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rounds/{round_id}")
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "frozen"
        people, amount = db.session.execute(
            sa.select(sa.func.count(RoundEntry.id), sa.func.sum(RoundEntry.amount))
            .where(RoundEntry.round_id == round_id)).one()
    assert people > 0 and f"{people:,} 人" in label and f"NT${amount:,}" in label

    boss_context = browser.new_context(base_url=live_server.url, locale="zh-TW",
                                       viewport={"width": 1280, "height": 800})
    boss = boss_context.new_page()
    boss_phone_context = browser.new_context(
        base_url=live_server.url, locale="zh-TW", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True)
    boss_phone = boss_phone_context.new_page()
    try:
        login(boss, "supervisor")
        login(boss_phone, "supervisor")
        boss.goto(url(f"/rounds/{round_id}"))
        boss.get_by_role("link", name=msg("Approve the frozen roster"), exact=True).click()
        boss.wait_for_load_state()
        assert boss.url.endswith(f"/rounds/{round_id}/approve")
        assert boss.get_by_role("heading", level=1).inner_text() == msg(
            "Check before approving the roster")
        assert msg("Changes since freezing") in boss.content()
        at_both_sizes(boss, boss_phone, boss.url, check_axe, snap, "rounds-check-approve")
        with live_server.app.app_context():
            assert db.session.get(Round, round_id).status == "frozen"
        boss.get_by_role("button", name=re.compile(
            "^" + re.escape(prefix(msg, "Approve: %(people)s, %(amount)s")))).click()
        boss.wait_for_load_state()
        assert boss.locator(".notice-success").count() >= 1
        check_axe(boss)
    finally:
        boss_context.close()
        boss_phone_context.close()
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "approved"

    # The closing check page counts what would be forfeited; nothing is closed here.
    page.goto(url(f"/rounds/{round_id}/close"))
    assert msg("To be forfeited") in page.content()
    at_both_sizes(page, phone, page.url, check_axe, snap, "rounds-check-close")


def test_reversal_check_page(desk_page, phone_page, login, url, msg, check_axe, snap,
                             live_server):
    with live_server.app.app_context():
        payout = db.session.scalar(
            sa.select(Payout).join(Round, Round.id == Payout.round_id)
            .where(Round.status == "approved", Payout.reversed_at.is_(None),
                   Payout.outcome == "elder").order_by(Payout.id))
        round_id, payout_id, entry_id = payout.round_id, payout.id, payout.entry_id
    login(desk_page, "staff")
    login(phone_page, "staff")
    desk_page.goto(url(f"/rounds/{round_id}/entries/{entry_id}"))
    desk_page.get_by_role("link", name=msg("Reverse this outcome")).click()
    desk_page.wait_for_load_state()
    assert desk_page.url.endswith(f"/payouts/{payout_id}/reverse")
    at_both_sizes(desk_page, phone_page, desk_page.url, check_axe, snap, "rounds-check-reverse")
    # Without a reason nothing is reversed and the error is on the page.
    desk_page.get_by_role("button", name=msg("Reverse this outcome")).click()
    desk_page.wait_for_load_state()
    assert desk_page.locator(".error-summary").count() == 1
    check_axe(desk_page)
    with live_server.app.app_context():
        assert db.session.get(Payout, payout_id).reversed_at is None
