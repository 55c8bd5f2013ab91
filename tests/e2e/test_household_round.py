"""A household round (歲末送溫情) from rules to close in a browser: freeze, approve by
another user, pay the head and a proxy at the counter on a phone, print a village's
印領清冊 and compare it with `rounds show`, the bank file, a typed-back sheet, close."""

import json
import re
import subprocess
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.core import rocdate
from welfare.core.money import capitals
from welfare.extensions import db
from welfare.rounds.cli import rounds_cli
from welfare.rounds.models import Payout, Round, RoundEntry


def roc(day):
    return rocdate.format_roc(day)


def label_start(msg, msgid):
    return msg(msgid, people="\x00", amount="\x00").split("\x00")[0]


def entries(live_server, round_id):
    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(RoundEntry.id, RoundEntry.id_number, RoundEntry.token, RoundEntry.name,
                      RoundEntry.village_code, RoundEntry.household_size, RoundEntry.amount)
            .where(RoundEntry.round_id == round_id, RoundEntry.hold.is_(None))
            .order_by(RoundEntry.village_code, RoundEntry.id)).all()
        return [dict(r._mapping) for r in rows]


def shown(live_server, round_id):
    result = live_server.app.test_cli_runner().invoke(rounds_cli,
                                                     ["show", str(round_id), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_household_round_from_rules_to_close(desk_page, phone_page, login, url, msg,
                                             check_axe, snap, tmp_path, live_server):
    today = date.today()
    page = desk_page
    login(page, "staff")
    page.goto(url("/rounds/new"))
    page.get_by_role("link", name=msg("A household round (e.g. 歲末送溫情)")).click()
    page.wait_for_load_state()
    page.fill("#name", "e2e 歲末送溫情慰問金")
    page.check("input[name=unit][value=household]")
    page.fill("#payout_start", roc(today - timedelta(days=1)))
    page.fill("#payout_end", roc(today + timedelta(days=1)))
    page.fill("#late_claim_end", roc(today + timedelta(days=2)))
    page.check("input[name=include_statuses][value=low_income]")
    page.check("input[name=include_statuses][value=mid_low_income]")
    page.fill("#household_base", "2000")
    page.fill("#household_per_member", "1000")
    page.fill("#household_max_members", "4")
    check_axe(page)
    snap(page, "household-round-form-desk")
    page.get_by_role("button", name=msg("Save and see who is eligible")).click()
    page.wait_for_load_state()
    assert "/preview" in page.url, page.url
    check_axe(page)
    snap(page, "household-round-preview-desk")
    page.get_by_role("link", name=msg("Freeze the roster"), exact=True).click()
    page.wait_for_load_state()
    check_axe(page)
    snap(page, "household-round-freeze-check-desk")
    page.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Freeze the roster: %(people)s, %(amount)s")))).click()
    page.wait_for_load_state()
    round_id = int(page.url.rstrip("/").split("/")[-1])
    check_axe(page)
    with live_server.app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.unit == "household" and round_.status == "frozen"

    # The one who froze it cannot approve it; another user (the supervisor) does.
    supervisor = phone_page.context.browser.new_context(viewport={"width": 1280, "height": 800},
                                                        base_url=url.url, locale="zh-TW")
    boss = supervisor.new_page()
    login(boss, "supervisor")
    boss.goto(url(f"/rounds/{round_id}"))
    boss.get_by_role("link", name=msg("Approve the frozen roster")).click()
    boss.wait_for_load_state()
    check_axe(boss)
    boss.get_by_role("button", name=re.compile("^" + re.escape(
        label_start(msg, "Approve: %(people)s, %(amount)s")))).click()
    boss.wait_for_load_state()
    check_axe(boss)
    supervisor.close()
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "approved"
    page.goto(url(f"/rounds/{round_id}"))
    check_axe(page)
    snap(page, "household-round-show-desk")

    rows = entries(live_server, round_id)
    assert len(rows) >= 3
    head, proxied, typed = rows[0], rows[1], rows[2]
    phone = phone_page
    login(phone, "staff")
    phone.goto(url(f"/rounds/{round_id}"))
    snap(phone, "household-round-show-phone")
    phone.goto(url(f"/rounds/{round_id}/preview"))
    check_axe(phone)
    snap(phone, "household-round-preview-phone")
    phone.goto(url(f"/rounds/{round_id}/counter"))
    phone.fill("#q", head["id_number"].lower())
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.wait_for_load_state()
    assert head["name"] in phone.content()
    assert msg("Head of a %(n)s-person household", n=head["household_size"]) in phone.content()
    check_axe(phone)
    snap(phone, "household-round-counter-phone")
    phone.locator("button.big-button").click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    check_axe(phone)

    phone.fill("#q", proxied["token"])
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.get_by_role("link", name=msg("Paid to a proxy")).click()
    phone.wait_for_load_state()
    check_axe(phone)
    snap(phone, "household-round-proxy-phone")
    phone.fill("#proxy_name", "王大明")
    phone.fill("#proxy_id_number", "A123456789")
    phone.fill("#proxy_relationship", "子")
    phone.check("#seal_checked")
    phone.get_by_role("button", name=msg("Record"), exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1

    # The sheet of the first village: households and total equal `rounds show`.
    code = head["village_code"]
    village = next(v for v in shown(live_server, round_id)["villages"] if v["code"] == code)
    page.goto(url(f"/rounds/{round_id}/sheets"))
    check_axe(page)
    snap(page, "household-round-sheets-desk")
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
    closing = re.search(r"共計 ([\d,]+) 戶\s+金額 NT\$([\d,]+) 元（(.+?)）", text)
    assert closing, text[-800:]
    assert int(closing[1].replace(",", "")) == village["households"]
    assert int(closing[2].replace(",", "")) == village["amount"]
    assert capitals(village["amount"]) in closing[3]

    # Bank file, then reconcile a typed-back sheet (轉帳 for the third household).
    response = page.request.get(url(f"/rounds/{round_id}/bank/post_office.csv"))
    assert response.ok and response.text().lstrip("\ufeff").startswith("seq,")
    typed_back = tmp_path / "typed.csv"
    typed_back.write_text(f"條碼,結果,日期\n{typed['token']},本人,{today.isoformat()}\n",
                          encoding="utf-8")
    page.goto(url(f"/rounds/{round_id}/upload"))
    check_axe(page)
    page.set_input_files("#file", str(typed_back))
    page.get_by_role("button", name=msg("Upload and record")).click()
    page.wait_for_load_state()
    assert page.locator(".notice-success").count() == 1, page.content()[:2000]
    with live_server.app.app_context():
        paid = db.session.execute(sa.select(Payout.entry_id, Payout.outcome, Payout.amount).where(
            Payout.round_id == round_id, Payout.reversed_at.is_(None))).all()
    assert {(e, o) for e, o, _a in paid} == {(head["id"], "elder"), (proxied["id"], "proxy"),
                                            (typed["id"], "elder")}
    assert {e: a for e, _o, a in paid}[typed["id"]] == typed["amount"]

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
    snap(page, "household-round-closed-desk")
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "closed"
        forfeited = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
            Payout.round_id == round_id, Payout.outcome == "forfeited"))
        frozen = db.session.scalar(sa.select(sa.func.count(RoundEntry.id)).where(
            RoundEntry.round_id == round_id))
    assert forfeited == frozen - 3
