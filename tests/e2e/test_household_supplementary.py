"""A household round's supplementary list in a browser: two households certified after the
freeze are found on the change report and added with a reason, the supervisor approves the
list after its check page, the counter pays one head and one proxy, the list prints as its own
印領清冊 whose households and total equal `rounds show`, progress counts them, and the round
closes. axe-core and screenshots at both sizes."""

import json
import random
import re
import subprocess
import time
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth.models import User
from welfare.core import idno
from welfare.core.money import capitals
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import (
    Household,
    HouseholdMember,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
)
from welfare.rounds import services
from welfare.rounds.amend_models import SupplementaryHousehold
from welfare.rounds.cli import rounds_cli
from welfare.rounds.models import Payout, Round, RoundEntry

PLAN = {"base": 2000, "per_member": 1000, "max_members": 4}


def _household(village, number, names, rng):
    household = Household(village_id=village.id, neighbourhood=2, address=f"補列路{number}號",
                          household_no=f"E2E{number:05d}")
    db.session.add(household)
    db.session.flush()
    people = [Person(id_number=idno.generate(sex="F", rng=rng), name=name, sex="F",
                     birth_date=date(1950 + 10 * i, 3, 4), village_id=village.id,
                     neighbourhood=2, address=household.address,
                     registered_on=date(1990, 1, 1)) for i, name in enumerate(names)]
    db.session.add_all(people)
    db.session.flush()
    for i, person in enumerate(people):
        db.session.add(HouseholdMember(household_id=household.id, person_id=person.id,
                                       relationship_to_head="本人" if i == 0 else "子"))
    household.head_id = people[0].id
    return household, people[0]


def approved_round_and_late_households(live_server):
    """A frozen, approved household round (its freeze has its own browser test) that only
    pays a household of our own, and two households certified after the freeze."""
    rng = random.Random(time.time_ns())
    today = date.today()
    number = rng.randrange(10_000, 99_999)
    with live_server.app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        # Only our households: a 款別 of their own.
        category = LowIncomeCategory(code=str(number), name_zh=f"測試款{number}",
                                     name_en=f"test {number}")
        db.session.add(category)
        db.session.flush()
        on_roster, _head = _household(village, number, ["原列戶長"], rng)
        db.session.add(LowIncomeStatus(household_id=on_roster.id, kind="low",
                                       category_id=category.id,
                                       certified_from=today - timedelta(days=400),
                                       certified_until=today + timedelta(days=400)))
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        data = services.new_round_data("other", today.year)
        data |= {"name": f"e2e 補發 {number}", "unit": "household",
                 "payout_start": today - timedelta(days=3), "payout_end": today + timedelta(days=7),
                 "late_claim_end": today + timedelta(days=30),
                 "rules": replace(data["rules"], include_statuses=(f"low_income:{number}",),
                                  household_amount=PLAN)}
        round_ = services.create_round(data, actor=staff)
        services.freeze_round(round_, actor=staff)
        services.approve_round(round_, actor=boss)
        late = []
        for offset, names in ((1, ["補列戶長", "補列子"]), (2, ["代領戶長", "代領子", "代領孫"])):
            household, head = _household(village, number + offset, names, rng)
            db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                           category_id=category.id,
                                           certified_from=today - timedelta(days=400),
                                           certified_until=today + timedelta(days=400)))
            late.append((household.household_no, head.name, head.id_number, len(names)))
        db.session.commit()
        return round_.id, village.code, late


def shown(live_server, round_id):
    result = live_server.app.test_cli_runner().invoke(rounds_cli,
                                                     ["show", str(round_id), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_household_supplementary_list(desk_page, phone_page, login, url, msg, check_axe, snap,
                                      tmp_path, live_server, browser):
    round_id, code, late = approved_round_and_late_households(live_server)
    (first_no, first_head, first_id, _n1), (second_no, second_head, second_id, _n2) = late
    before = shown(live_server, round_id)
    assert before["households"] == 1

    page = desk_page
    login(page, "staff")
    page.goto(url(f"/rounds/{round_id}/changes"))
    check_axe(page)
    page.fill("#q", first_no)
    page.get_by_role("button", name=msg("Find"), exact=True).click()
    page.wait_for_load_state()
    assert msg("Why it is not on the frozen roster") in page.content()
    assert first_head in page.content()
    check_axe(page)
    snap(page, "household-supplement-found-desk")
    page.get_by_role("button", name=re.compile(re.escape(
        msg("Add to the supplementary list: %(amount)s", amount="NT$4,000")))).click()
    page.wait_for_load_state()
    assert page.locator(".notice-error").count() == 1  # no reason given (the form says why)
    page.fill("input[name=reason]", "低收入戶資格於凍結後核定")
    page.get_by_role("button", name=re.compile(re.escape(
        msg("Add to the supplementary list: %(amount)s", amount="NT$4,000")))).click()
    page.wait_for_load_state()
    assert page.locator(".notice-success").count() == 1, page.content()[:2000]

    phone = phone_page
    login(phone, "staff")
    phone.goto(url(f"/rounds/{round_id}/changes?q={second_id}"))
    assert second_head in phone.content()
    check_axe(phone)
    snap(phone, "household-supplement-found-phone")
    phone.fill("input[name=reason]", "中低收入戶轉低收入戶，12月核定")
    phone.get_by_role("button", name=re.compile(re.escape(
        msg("Add to the supplementary list: %(amount)s", amount="NT$5,000")))).click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    # Found again, it is on the round now and cannot be added twice.
    phone.goto(url(f"/rounds/{round_id}/changes?q={second_no}"))
    assert msg("Already on this round") in phone.content()
    assert phone.get_by_role("button", name=re.compile(re.escape(
        msg("Add to the supplementary list: %(amount)s", amount="\x00").split("\x00")[0]))
        ).count() == 0
    waiting = shown(live_server, round_id)
    assert waiting["households"] == 1
    assert waiting["awaiting_approval"] == {"households": 2, "amount": 9000}

    # The supervisor approves the list after its check page (the clerk who drew it up cannot).
    for size in ({"width": 1280, "height": 800}, {"width": 390, "height": 844}):
        context = browser.new_context(viewport=size, base_url=url.url, locale="zh-TW")
        boss = context.new_page()
        login(boss, "supervisor")
        boss.goto(url(f"/rounds/{round_id}/changes"))
        if size["width"] == 390:
            boss.goto(url(f"/rounds/{round_id}/batches/1/approve"))
            check_axe(boss)
            snap(boss, "household-supplement-approve-check-phone")
            context.close()
            continue
        boss.get_by_role("link", name=msg("Approve list %(n)s", n=1)).click()
        boss.wait_for_load_state()
        assert "低收入戶資格於凍結後核定" in boss.content()
        check_axe(boss)
        snap(boss, "household-supplement-approve-check-desk")
        boss.get_by_role("button", name=re.compile("^" + re.escape(
            msg("Approve: %(people)s, %(amount)s", people="\x00", amount="\x00")
            .split("\x00")[0]))).click()
        boss.wait_for_load_state()
        assert boss.locator(".notice-success").count() == 1
        context.close()
    with live_server.app.app_context():
        added = db.session.execute(
            sa.select(RoundEntry.id, RoundEntry.name, RoundEntry.token, RoundEntry.amount,
                      SupplementaryHousehold.reason)
            .join(SupplementaryHousehold, SupplementaryHousehold.entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_id).order_by(RoundEntry.id)).all()
    assert [(a.name, a.amount) for a in added] == [(first_head, 4000), (second_head, 5000)]

    # The counter: the first head in person, the second by proxy.
    phone.goto(url(f"/rounds/{round_id}/counter"))
    phone.fill("#q", first_id.lower())
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.wait_for_load_state()
    assert msg("supplementary list %(n)s", n=1) in phone.content()
    check_axe(phone)
    snap(phone, "household-supplement-counter-phone")
    phone.locator("button.big-button").click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1
    phone.fill("#q", added[1].token)
    phone.get_by_role("button", name=msg("Find"), exact=True).click()
    phone.get_by_role("link", name=msg("Paid to a proxy")).click()
    phone.wait_for_load_state()
    phone.fill("#proxy_name", "王大明")
    phone.fill("#proxy_id_number", "A123456789")
    phone.fill("#proxy_relationship", "子")
    phone.check("#seal_checked")
    phone.get_by_role("button", name=msg("Record"), exact=True).click()
    phone.wait_for_load_state()
    assert phone.locator(".notice-success").count() == 1

    # The list's own 印領清冊: its households and total are `rounds show`'s supplementary part.
    after = shown(live_server, round_id)
    village = next(v for v in after["villages"] if v["code"] == code)
    assert after["households"] == 3 and village["supplementary"] == {"households": 2,
                                                                      "amount": 9000}
    response = page.request.get(url(f"/rounds/{round_id}/sheets?village={code}&batch=1"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "supplementary.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "補發第1批" in text
    closing = re.search(r"共計 ([\d,]+) 戶\s+金額 NT\$([\d,]+) 元（(.+?)）", text)
    assert closing, text[-800:]
    assert int(closing[1]) == village["supplementary"]["households"]
    assert int(closing[2].replace(",", "")) == village["supplementary"]["amount"]
    assert capitals(village["supplementary"]["amount"]) in closing[3]

    page.goto(url(f"/rounds/{round_id}/progress"))
    check_axe(page)
    snap(page, "household-supplement-progress-desk")
    page.goto(url(f"/rounds/{round_id}/close"))
    page.check("#confirm")
    page.check("#early")
    page.get_by_role("button", name=msg("Close the round")).last.click()
    page.wait_for_load_state()
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).status == "closed"
        outcomes = dict(db.session.execute(
            sa.select(Payout.entry_id, Payout.outcome).where(Payout.round_id == round_id,
                                                             Payout.reversed_at.is_(None))).all())
    assert outcomes[added[0].id] == "elder" and outcomes[added[1].id] == "proxy"
    assert sorted(outcomes.values()) == ["elder", "forfeited", "proxy"]
