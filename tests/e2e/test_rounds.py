"""An elder-gift round end to end: prepare, freeze, approve, pay at the counter on a phone,
print a sheet, close; axe-core on every page."""

import re
import subprocess
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.core import rocdate
from welfare.core.money import capitals
from welfare.extensions import db
from welfare.rounds.models import Round, RoundEntry


def roc(day):
    return rocdate.format_roc(day)


def label_start(msg, msgid):
    """A check page's button label before its figures."""
    return msg(msgid, people="\x00", amount="\x00").split("\x00")[0]


def two_entries(live_server, round_id):
    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(RoundEntry.id_number, RoundEntry.token, RoundEntry.name,
                      RoundEntry.village_code)
            .where(RoundEntry.round_id == round_id, RoundEntry.amount < 10000)
            .order_by(RoundEntry.village_code, RoundEntry.id).limit(2)).all()
        return [dict(r._mapping) for r in rows]


def village_total(live_server, round_id, code):
    with live_server.app.app_context():
        return db.session.execute(
            sa.select(sa.func.count(RoundEntry.id), sa.func.sum(RoundEntry.amount))
            .where(RoundEntry.round_id == round_id, RoundEntry.village_code == code)).one()


def test_round_from_preparation_to_closing(desk_page, phone_page, login, url, msg, check_axe,
                                           snap, tmp_path, live_server):
    today = date.today()
    page = desk_page
    login(page, "staff")
    page.goto(url("/rounds/"))
    check_axe(page)
    page.get_by_role("link", name=msg("Prepare a new round")).click()
    page.fill("#name", "e2e 端午敬老禮金")
    page.select_option("#festival", "dragon_boat")
    page.fill("#payout_start", roc(today - timedelta(days=1)))
    page.fill("#payout_end", roc(today + timedelta(days=1)))
    page.fill("#late_claim_end", roc(today + timedelta(days=2)))
    check_axe(page)
    page.get_by_role("button", name=msg("Save and see who is eligible")).click()
    page.wait_for_load_state()
    assert "/preview" in page.url
    check_axe(page)
    snap(page, "rounds-preview-desk")
    page.get_by_role("link", name=msg("Freeze the roster"), exact=True).click()
    page.wait_for_load_state()
    check_axe(page)
    page.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Freeze the roster: %(people)s, %(amount)s")))).click()
    page.wait_for_load_state()
    round_id = int(page.url.rstrip("/").split("/")[-1])
    check_axe(page)

    supervisor = phone_page.context.browser.new_context(viewport={"width": 1280, "height": 800},
                                                        base_url=url.url, locale="zh-TW")
    boss = supervisor.new_page()
    login(boss, "supervisor")
    boss.goto(url(f"/rounds/{round_id}"))
    boss.get_by_role("link", name=msg("Approve the frozen roster")).click()
    boss.wait_for_load_state()
    boss.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Approve: %(people)s, %(amount)s")))).click()
    boss.wait_for_load_state()
    check_axe(boss)
    supervisor.close()
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "approved"

    first, second = two_entries(live_server, round_id)
    phone = phone_page
    login(phone, "staff")
    phone.goto(url(f"/rounds/{round_id}/counter"))
    check_axe(phone)
    phone.fill("#q", first["id_number"].lower())
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.wait_for_load_state()
    assert first["name"] in phone.content()
    check_axe(phone)
    snap(phone, "rounds-counter-phone")
    phone.locator("button.big-button").click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    check_axe(phone)

    phone.fill("#q", second["token"])
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.get_by_role("link", name=msg("Paid to a proxy")).click()
    phone.wait_for_load_state()
    check_axe(phone)
    phone.fill("#proxy_name", "王大明")
    phone.fill("#proxy_id_number", "A123456789")
    phone.fill("#proxy_relationship", "子")
    phone.check("#seal_checked")
    phone.get_by_role("button", name=msg("Record"), exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    snap(phone, "rounds-counter-after-proxy-phone")

    code = first["village_code"]
    page.goto(url(f"/rounds/{round_id}/sheets"))
    check_axe(page)
    page.select_option("#village", code)
    with page.expect_download() as download:
        page.get_by_role("button", name=msg("Print"), exact=True).click()
    pdf = tmp_path / "sheet.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    people, amount = village_total(live_server, round_id, code)
    assert f"共計 {people} 人" in text
    assert f"{amount:,}" in text and capitals(amount) in text

    page.goto(url(f"/rounds/{round_id}/progress"))
    check_axe(page)
    page.goto(url(f"/rounds/{round_id}/close"))
    check_axe(page)
    page.check("#confirm")
    page.check("#early")
    page.get_by_role("button", name=msg("Close the round")).last.click()
    page.wait_for_load_state()
    assert "/progress" in page.url
    check_axe(page)
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "closed"
