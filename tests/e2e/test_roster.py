"""The roster as desk staff use it: sign in, search, add, correct, reveal, import."""

import random
import re
import time
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.core import idno, rocdate
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Person


def full_width(text):
    """What a phone keyboard in full-width mode types: 'ａ１２３...'."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def fill_person_form(page, *, id_number, name, birth, village_id, address, sex="F"):
    page.fill("#id_number", id_number)
    page.fill("#name", name)
    page.check(f"input[name=sex][value={sex}]")
    page.fill("#birth_date", birth)
    page.select_option("#village_id", str(village_id))
    page.fill("#neighbourhood", "5")
    page.fill("#address", address)


def save(page):
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def first_village(live_server):
    with live_server.app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        return {"id": village.id, "code": village.code, "name": village.name_zh}


def add_person_through_form(page, live_server, name):
    village = first_village(live_server)
    page.goto(live_server("/people/new"))
    fill_person_form(page, id_number=idno.generate(sex="F", rng=random.Random(name)),
                     name=name, birth="40/1/2", village_id=village["id"],
                     address="林園北路1號")
    save(page)
    assert re.search(r"/people/\d+$", page.url), page.url


@pytest.fixture
def known_person(live_server, desk_page, login):
    """A registered person to search for: from the demo data when it has people, else
    one added through the form (before the roster demo data existed)."""
    with live_server.app.app_context():
        person = db.session.scalar(
            sa.select(Person).where(Person.merged_into_id.is_(None),
                                    Person.status == "registered").order_by(Person.id).limit(1)
        )
        if person is not None:
            return {"name": person.name, "village_code": person.village.code,
                    "village_name": person.village.name_zh}
    login(desk_page, "staff")
    add_person_through_form(desk_page, live_server, "測試搜尋")
    village = first_village(live_server)
    return {"name": "測試搜尋", "village_code": village["code"], "village_name": village["name"]}


def test_sign_in_in_chinese_with_a_wrong_password_first(phone_page, live_server, login,
                                                        demo_logins, check_axe, snap):
    page = phone_page
    page.goto(live_server("/login"))
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    snap(page, "login-phone")
    check_axe(page)

    page.fill("#username", demo_logins["supervisor"])
    page.fill("#password", "not the password")
    save(page)
    assert page.locator(".error-summary").is_visible()
    assert "/login" in page.url
    check_axe(page)

    login(page, demo_logins["supervisor"], fresh=True)
    assert page.locator("h1").inner_text().strip() != ""
    assert page.locator("nav.main-nav a[aria-current=page]").count() == 1
    snap(page, "home-phone")
    check_axe(page)


def test_search_by_name_and_by_village(phone_page, live_server, login, known_person,
                                       check_axe, snap):
    page = login(phone_page, "staff")
    page.goto(live_server("/people"))
    page.fill("#q", known_person["name"][:2])
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    names = page.locator("table.responsive tbody td:first-child").all_inner_texts()
    assert any(n.strip() == known_person["name"] for n in names), names
    assert all(n.strip().startswith(known_person["name"][:2]) for n in names), names
    snap(page, "people-search-phone")
    check_axe(page)

    page.goto(live_server("/people"))
    page.select_option("#village", known_person["village_code"])
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    assert f"village={known_person['village_code']}" in page.url
    villages = page.locator("table.responsive tbody td:nth-child(5)").all_inner_texts()
    assert villages and all(known_person["village_name"] in v for v in villages), villages
    check_axe(page)


def test_add_a_person_correct_errors_edit_and_reveal_the_id(desk_page, live_server, login, msg,
                                                            check_axe, snap):
    page = login(desk_page, "staff")
    page.goto(live_server("/people/new"))
    check_axe(page)

    # Nothing filled in: an error summary on top, each error beside its field.
    save(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_number']").count() == 1
    assert page.locator(".form-group.has-error").count() >= 3
    assert page.locator("#id_number[aria-invalid=true]").count() == 1
    snap(page, "person-form-errors-desk")
    check_axe(page)

    # A wrong check digit is refused with its own message, and the typed date is kept.
    number = idno.generate(sex="M", rng=random.Random(time.time_ns()))
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    village = first_village(live_server)
    fill_person_form(page, id_number=wrong, name="林測試", birth="50/3/15",
                     village_id=village["id"], address="林園北路244號", sex="M")
    save(page)
    assert msg("This ID number's check digit is wrong; check for a typo.") in (
        page.locator("#id_number-error").inner_text())
    assert page.input_value("#birth_date") == "50/3/15"

    # Lower case and full width are normalised; the ROC date is understood.
    page.fill("#id_number", full_width(number.lower()))
    save(page)
    assert re.search(r"/people/(\d+)$", page.url), page.url
    person_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator(".notice-success").is_visible()
    masked = idno.mask(number, live_server.app.config["ID_MASK_KEEP"],
                       live_server.app.config["ID_MASK_CHAR"])
    assert page.locator("dl.summary .idnum").inner_text().strip() == masked
    assert number not in page.content()
    # One ROC style for every date on a page (115/12/07), the birth date included.
    assert rocdate.format_roc(date(1961, 3, 15)) in page.locator("dl.summary").inner_text()
    assert "050/03/15" in page.locator("dl.summary").inner_text()
    check_axe(page)

    # Edit the address; the change shows on the page and in its history.
    page.locator(f"a[href$='/people/{person_id}/edit']").click()
    page.wait_for_load_state()
    assert page.input_value("#id_number") == number
    page.fill("#address", "林園北路250號2樓")
    check_axe(page)
    save(page)
    assert page.url.endswith(f"/people/{person_id}")
    assert "林園北路250號2樓" in page.locator("dl.summary").inner_text()
    assert "林園北路250號2樓" in page.locator("ol.history").inner_text()

    # Show the full ID: it appears, and the view is in the audit log.
    page.locator(f"form[action$='/people/{person_id}/reveal'] button").click()
    page.wait_for_load_state()
    assert page.locator("dl.summary .idnum").first.inner_text().strip() == number
    snap(page, "person-revealed-desk")
    check_axe(page)

    page.goto(live_server(f"/audit?entity_type=people&entity_id={person_id}"))
    rows = page.locator("table tbody tr").all_inner_texts()
    who = page.locator("header .who").inner_text().strip()  # rows name people, not accounts
    assert any(msg("Viewed full ID number") in row and who in row for row in rows), rows
    assert any(msg("Created") in row for row in rows), rows
    snap(page, "audit-desk")
    check_axe(page)


IMPORT_CSV = (
    "身分證字號,姓名,性別,出生日期,里別,鄰,地址\n"
    "{good1},匯入甲,男,40/05/06,{village},3,林園北路10號\n"
    "{good2},匯入乙,女,045/07/08,{village},4,林園北路12號\n"
    "A123456788,錯誤列,男,41/01/01,{village},5,林園北路14號\n"
)


def test_import_a_file_with_one_bad_row(desk_page, live_server, login, check_axe, snap,
                                        tmp_path):
    rng = random.Random(time.time_ns())
    village = first_village(live_server)
    csv_path = tmp_path / "匯入.csv"
    csv_path.write_text(IMPORT_CSV.format(good1=idno.generate(sex="M", rng=rng),
                                          good2=idno.generate(sex="F", rng=rng),
                                          village=village["name"]), encoding="utf-8")
    page = login(desk_page, "staff")
    with live_server.app.test_request_context():
        from flask import url_for

        upload_url = url_for("roster.import_upload")
    page.goto(live_server(upload_url))
    check_axe(page)
    page.set_input_files("input[type=file]", str(csv_path))
    save(page)

    # Preview: nothing saved yet; row 4 (the header is row 1) is rejected for its ID number.
    assert re.search(r"/people/import/\w{32}$", page.url), page.url
    rejected = page.locator("#rejected ~ .table-wrap").first.locator("tbody tr").all_inner_texts()
    assert len(rejected) == 1 and rejected[0].split()[0] == "4", rejected
    snap(page, "import-preview-desk")
    check_axe(page)
    with live_server.app.app_context():
        assert not db.session.scalar(sa.select(Person.id).where(Person.name == "匯入甲"))

    page.locator("form[action$='/confirm'] button[type=submit]").first.click()
    page.wait_for_load_state()
    figures = page.locator("dl.summary dd").all_inner_texts()
    assert figures[:2] == ["3", "2"] and figures[-1] == "1", figures  # rows, added, rejected
    snap(page, "import-result-desk")
    check_axe(page)
    with live_server.app.app_context():
        names = set(db.session.scalars(
            sa.select(Person.name).where(Person.name.in_(["匯入甲", "匯入乙", "錯誤列"]))))
    assert names == {"匯入甲", "匯入乙"}
