"""Registry feeds in the browser: an isolated-elder list (獨居老人名冊) checked, previewed on a
desk and a phone screen, then saved."""

import re

import pytest
import sqlalchemy as sa

from welfare.extensions import db
from welfare.roster.models import EmergencyContact, IsolatedElder, Person

HEADERS = "身分證字號,照顧等級,評估日期,評估人,居住狀況,緊急聯絡人,緊急聯絡人電話"


def _people_not_on_the_register(live_server, n):
    with live_server.app.app_context():
        enrolled = sa.select(IsolatedElder.person_id)
        return db.session.execute(
            sa.select(Person.id, Person.id_number).where(
                Person.status == "registered", Person.merged_into_id.is_(None),
                Person.id.not_in(enrolled)).order_by(Person.id.desc()).limit(n)).all()


def _elder_file(tmp_path, people, name):
    (a_id, a), (b_id, b) = people
    rows = [HEADERS,
            f"{a.lower()},3,114/10/01,社工甲,獨居,陳小華(女兒)；林阿明,0912000111；07-6411111",
            f"{b},第2級,2025-09-30,社工乙,與配偶同住,,",
            f"{a[:-1]}0,5,114/13/01,,,,"]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp950"))
    return path


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_elder_list_preview_and_save(screen, desk_page, phone_page, live_server, login,
                                     check_axe, snap, tmp_path):
    page = login(desk_page if screen == "desk" else phone_page, "staff")
    people = _people_not_on_the_register(live_server, 2 if screen == "desk" else 4)[-2:]
    path = _elder_file(tmp_path, people, f"獨居老人名冊-{screen}.csv")
    page.goto(live_server("/people/import"))
    snap(page, f"feeds-upload-{screen}")
    check_axe(page)
    page.locator("#kind-elders").check()
    page.set_input_files("input[type=file]", str(path))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert re.search(r"/people/import/\w{32}$", page.url), page.url
    text = page.locator("main").inner_text()
    assert "獨居老人名冊" in text
    rejected = page.locator("#rejected ~ .table-wrap").first.locator("tbody tr").all_inner_texts()
    assert len(rejected) == 1 and rejected[0].split()[0] == "4", rejected
    assert "照顧等級" in rejected[0] and "評估日期" in rejected[0]
    page.locator("details summary").first.click()
    snap(page, f"feeds-elders-preview-{screen}")
    check_axe(page)
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(IsolatedElder.id)).where(
            IsolatedElder.person_id.in_([p[0] for p in people]))) == 0
    page.locator("form[action$='/confirm'] button[type=submit]").first.click()
    page.wait_for_load_state()
    figures = page.locator("dl.summary dd").all_inner_texts()
    assert figures[:3] == ["3", "2", "0"], figures  # rows, added, changed
    check_axe(page)
    with live_server.app.app_context():
        elder = db.session.scalar(sa.select(IsolatedElder).where(
            IsolatedElder.person_id == people[0][0]))
        assert elder.care_level == 3
        assert sorted(db.session.scalars(sa.select(EmergencyContact.name).where(
            EmergencyContact.elder_id == elder.id))) == ["林阿明", "陳小華"]


def _household_to_shrink(live_server, skip):
    """A household of the demo with a head and two other members: (its number, the rows to
    keep, the name of the member the file leaves out)."""
    from welfare.roster.models import Household, HouseholdMember

    with live_server.app.app_context():
        homes = db.session.execute(
            sa.select(Household.id, Household.household_no, Household.head_id)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .where(Household.head_id.is_not(None), Household.household_no != "")
            .group_by(Household.id).having(sa.func.count(HouseholdMember.id) >= 3)
            .order_by(Household.id)).all()
        home = homes[skip]
        members = db.session.execute(
            sa.select(Person.id, Person.id_number, Person.name)
            .join(HouseholdMember, HouseholdMember.person_id == Person.id)
            .where(HouseholdMember.household_id == home.id).order_by(Person.id)).all()
        left = next(m for m in members if m.id != home.head_id)
        kept = [m for m in members if m.id != left.id]
        return home.household_no, [(m.id_number, m.id == home.head_id) for m in kept], left


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_full_household_export_takes_out_a_member(screen, desk_page, phone_page, live_server,
                                                  login, check_axe, snap, tmp_path):
    page = login(desk_page if screen == "desk" else phone_page, "staff")
    number, kept, left = _household_to_shrink(live_server, 0 if screen == "desk" else 1)
    path = tmp_path / f"戶籍匯出-{screen}.csv"
    path.write_text("戶號,身分證字號,戶長\r\n" + "".join(
        f"{number},{id_number},{'是' if head else '否'}\r\n" for id_number, head in kept),
        encoding="utf-8-sig")
    page.goto(live_server("/people/import"))
    page.locator("#kind-households").check()
    page.set_input_files("input[type=file]", str(path))
    page.locator("#end_missing").fill("115/11/30")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert re.search(r"/people/import/\w{32}$", page.url), page.url
    line = f"自戶號 {number} 移出：{left.name}（資料由戶政匯出檔更新）"
    assert line in page.locator("main").inner_text()
    snap(page, f"feeds-households-full-preview-{screen}")
    check_axe(page)
    page.locator("form[action$='/confirm'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert line in page.locator("main").inner_text()
    snap(page, f"feeds-households-full-result-{screen}")
    check_axe(page)
    with live_server.app.app_context():
        person = db.session.get(Person, left.id)
        assert person.membership is None and person.status == "registered"
