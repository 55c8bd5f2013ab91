"""A goods round (米 by age) from rules to close in a browser: an institution stay recorded
on a person's page, the rules with 「排除機構安置者」, freeze (the stay shown as the reason),
approval by another user, goods handed to an elder and to a proxy at the counter on a phone,
a village's 印領清冊 equal to `rounds show`, close. axe-core at both sizes."""

import json
import re
import subprocess
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.core import rocdate
from welfare.extensions import db
from welfare.roster.models import InstitutionStay, Person
from welfare.rounds.cli import rounds_cli
from welfare.rounds.models import Payout, Round, RoundEntry


def roc(day):
    return rocdate.format_roc(day)


def label_start(msg, msgid):
    return msg(msgid, people="\x00", amount="\x00").split("\x00")[0]


def _elder_without_stay(live_server):
    with live_server.app.app_context():
        return db.session.execute(
            sa.select(Person.id, Person.name).where(
                Person.birth_date < date(1950, 1, 1), Person.status == "registered",
                Person.merged_into_id.is_(None),
                Person.id.not_in(sa.select(InstitutionStay.person_id)))
            .order_by(Person.id)).first()


def _entries(live_server, round_id):
    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(RoundEntry.id, RoundEntry.id_number, RoundEntry.token, RoundEntry.name,
                      RoundEntry.village_code, RoundEntry.quantity, RoundEntry.amount,
                      RoundEntry.person_id)
            .join(Person, Person.id == RoundEntry.person_id)
            .where(RoundEntry.round_id == round_id, RoundEntry.hold.is_(None),
                   Person.status == "registered")
            .order_by(RoundEntry.village_code, RoundEntry.id)).all()
        return [dict(r._mapping) for r in rows]


def test_goods_round_from_rules_to_close(desk_page, phone_page, login, url, msg, check_axe,
                                         snap, tmp_path, live_server):
    today = date.today()
    page, phone = desk_page, phone_page
    login(page, "staff")
    login(phone, "staff")

    # 機構安置 on the person's page (both sizes).
    elder_id, elder_name = _elder_without_stay(live_server)
    page.goto(url(f"/people/{elder_id}"))
    page.fill("#institution", "高雄市立仁愛之家")
    page.fill("#started_on", roc(today - timedelta(days=800)))
    page.get_by_role("button", name=msg("Record the stay")).click()
    page.wait_for_load_state()
    assert page.locator(".notice-success").count() == 1
    assert "高雄市立仁愛之家" in page.content()
    check_axe(page)
    snap(page, "goods-person-stay-desk")
    phone.goto(url(f"/people/{elder_id}#stays"))
    check_axe(phone)
    snap(phone, "goods-person-stay-phone")

    # Rules: goods, quantities by age, leave out people in an institution.
    page.goto(url("/rounds/new"))
    page.get_by_role("link", name=msg("A goods round (e.g. 米 2 包)")).click()
    page.wait_for_load_state()
    assert page.locator("input[name=kind][value=goods]").is_checked()
    assert page.input_value("#goods_name") == "米" and page.input_value("#goods_unit") == "包"
    page.fill("#name", "e2e 端午節敬老米")
    page.fill("#payout_start", roc(today - timedelta(days=1)))
    page.fill("#payout_end", roc(today + timedelta(days=1)))
    page.fill("#late_claim_end", roc(today + timedelta(days=2)))
    page.check("#exclude_institution")
    for row, quantity in enumerate(("2", "2", "3", "5")):
        page.fill(f"#tier-{row}-amount", quantity)
    check_axe(page)
    snap(page, "goods-round-form-desk")
    page.get_by_role("button", name=msg("Save and see who is eligible")).click()
    page.wait_for_load_state()
    assert "/preview" in page.url, page.url
    assert elder_name in page.locator("#away + .table-wrap").inner_text()
    assert "NT$" not in page.locator("main").inner_text()
    check_axe(page)
    snap(page, "goods-round-preview-desk")
    page.get_by_role("link", name=msg("Freeze the roster"), exact=True).click()
    page.wait_for_load_state()
    away = page.locator("#away + .table-wrap").inner_text()
    assert elder_name in away and "高雄市立仁愛之家" in away
    assert "NT$" not in page.locator("main").inner_text()
    check_axe(page)
    snap(page, "goods-round-freeze-check-desk")
    page.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Freeze the roster: %(people)s, %(amount)s")))).click()
    page.wait_for_load_state()
    round_id = int(page.url.rstrip("/").split("/")[-1])
    with live_server.app.app_context():
        round_ = db.session.get(Round, round_id)
        assert (round_.kind, round_.status) == ("goods", "frozen")
        assert round_.rules.exclude_institution
        assert db.session.scalar(sa.select(RoundEntry.id).where(
            RoundEntry.round_id == round_id, RoundEntry.person_id == elder_id)) is None

    # Four eyes: the supervisor approves.
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 800},
                                               base_url=url.url, locale="zh-TW")
    boss = context.new_page()
    login(boss, "supervisor")
    boss.goto(url(f"/rounds/{round_id}"))
    boss.get_by_role("link", name=msg("Approve the frozen roster")).click()
    boss.wait_for_load_state()
    assert "NT$" not in boss.locator("main").inner_text()
    check_axe(boss)
    snap(boss, "goods-round-approve-check-desk")
    boss.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Approve: %(people)s, %(amount)s")))).click()
    boss.wait_for_load_state()
    context.close()
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "approved"
    page.goto(url(f"/rounds/{round_id}"))
    assert "NT$" not in page.locator("main").inner_text()
    check_axe(page)
    snap(page, "goods-round-show-desk")

    # The counter on a phone: the elder, then a proxy.
    rows = _entries(live_server, round_id)
    elder, proxied = rows[0], rows[1]
    phone.goto(url(f"/rounds/{round_id}"))
    check_axe(phone)
    snap(phone, "goods-round-show-phone")
    phone.goto(url(f"/rounds/{round_id}/counter"))
    phone.fill("#q", elder["id_number"])
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.wait_for_load_state()
    button = phone.locator("button.big-button")
    assert button.inner_text().strip() == msg("Goods handed to the elder: %(goods)s",
                                              goods=f"米 {elder['quantity']} 包")
    check_axe(phone)
    snap(phone, "goods-round-counter-phone")
    button.click()
    phone.wait_for_load_state()
    notice = phone.locator(".notice-success").inner_text()
    assert f"米 {elder['quantity']} 包" in notice and "NT$" not in notice
    check_axe(phone)
    phone.fill("#q", proxied["token"])
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.get_by_role("link", name=msg("Goods handed to a proxy")).click()
    phone.wait_for_load_state()
    assert phone.locator("input[name=outcome][value=bank]").count() == 0
    check_axe(phone)
    snap(phone, "goods-round-proxy-phone")
    phone.fill("#proxy_name", "王大明")
    phone.fill("#proxy_id_number", "A123456789")
    phone.fill("#proxy_relationship", "子")
    phone.check("#seal_checked")
    phone.get_by_role("button", name=msg("Record"), exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    with live_server.app.app_context():
        paid = db.session.execute(sa.select(Payout.entry_id, Payout.outcome, Payout.amount)
                                  .where(Payout.round_id == round_id,
                                         Payout.reversed_at.is_(None))).all()
    assert sorted(paid) == sorted([(elder["id"], "elder", 0), (proxied["id"], "proxy", 0)])

    # The sheet of the first village equals `rounds show`; no money on it.
    result = live_server.app.test_cli_runner().invoke(rounds_cli,
                                                     ["show", str(round_id), "--json"])
    shown = json.loads(result.output)
    assert shown["kind"] == "goods" and "amount" not in shown
    code = elder["village_code"]
    village = next(v for v in shown["villages"] if v["code"] == code)
    page.goto(url(f"/rounds/{round_id}/sheets"))
    assert page.locator("a[href$='post_office.csv']").count() == 0
    check_axe(page)
    snap(page, "goods-round-sheets-desk")
    phone.goto(url(f"/rounds/{round_id}/sheets"))
    check_axe(phone)
    page.select_option("#village", code)
    with page.expect_download() as download:
        page.get_by_role("button", name=msg("Print"), exact=True).click()
    pdf = tmp_path / "sheet.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    closing = re.search(r"共計 ([\d,]+) 人，品項 米（數量合計 ([\d,]+) 包）", text)
    assert closing, text[-800:]
    assert int(closing[1].replace(",", "")) == village["people"]
    assert int(closing[2].replace(",", "")) == village["quantity"]
    assert "品項／數量" in text and "金額" not in text and "NT$" not in text

    page.goto(url(f"/rounds/{round_id}/progress"))
    assert "NT$" not in page.locator("main").inner_text()
    check_axe(page)
    phone.goto(url(f"/rounds/{round_id}/progress"))
    check_axe(phone)
    snap(phone, "goods-round-progress-phone")
    page.goto(url(f"/rounds/{round_id}/close"))
    assert "NT$" not in page.locator("main").inner_text()
    check_axe(page)
    snap(page, "goods-round-close-desk")
    page.check("#confirm")
    page.check("#early")
    page.get_by_role("button", name=msg("Close the round")).last.click()
    page.wait_for_load_state()
    assert "/progress" in page.url
    check_axe(page)
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "closed"
        forfeited = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
            Payout.round_id == round_id, Payout.outcome == "forfeited"))
        frozen = db.session.scalar(sa.select(sa.func.count(RoundEntry.id)).where(
            RoundEntry.round_id == round_id))
    assert forfeited == frozen - 2
