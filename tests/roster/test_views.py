from datetime import date

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog
from welfare.roster.models import Household, IsolatedElder, LowIncomeStatus, Person


def test_people_search_by_name_id_phone_and_village(client, staff_user, make_person, villages):
    a = make_person(name="陳阿明", phone="076411111", village=villages[0])
    b = make_person(name="林阿花", mobile="0912000111", village=villages[1])
    assert "陳阿明" in client.get("/people?q=陳").text
    assert "林阿花" not in client.get("/people?q=陳").text
    assert "陳阿明" in client.get(f"/people?q={a.id_number[:6].lower()}").text
    assert "林阿花" in client.get("/people?q=0912000").text
    page = client.get(f"/people?village={villages[1].code}").text
    assert "林阿花" in page and "陳阿明" not in page
    assert b.id_number not in page  # masked in lists
    assert b.id_number[:6] + "****" in page


def test_people_search_by_age_and_category(client, staff_user, make_person):
    today = date.today()
    make_person(name="老王", birth_date=date(today.year - 70, 1, 1))
    make_person(name="小李", birth_date=date(today.year - 30, 1, 1))
    page = client.get("/people?category=senior").text
    assert "老王" in page and "小李" not in page
    page = client.get("/people?age_min=20&age_max=40").text
    assert "小李" in page and "老王" not in page


def test_detail_masks_then_reveal_is_logged(client, staff_user, make_person, db):
    person = make_person()
    page = client.get(f"/people/{person.id}").text
    assert person.id_number not in page
    page = client.post(f"/people/{person.id}/reveal").text
    assert person.id_number in page
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "view_id"))
    assert row.entity_id == person.id and row.user_id == staff_user.id


def test_create_person_with_roc_date_and_messy_id(client, staff_user, village, db):
    response = client.post("/people/new", data={
        "id_number": "ｅ１２３４５６７８９".replace("ｅ", "e"), "name": "黃小美", "sex": "F",
        "birth_date": "50/3/15", "village_id": village.id, "neighbourhood": "7",
        "address": "中山路1號", "status": "registered",
    })
    # E123456789 has a wrong check digit: the form must say so beside the field.
    assert response.status_code == 200
    assert "check digit" in response.text or "檢查碼" in response.text
    response = client.post("/people/new", data={
        "id_number": " e２２３４５６７８１".replace("e", "a"), "name": "黃小美", "sex": "F",
        "birth_date": "50/3/15", "village_id": village.id, "neighbourhood": "7",
        "address": "中山路1號", "status": "registered",
    })
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.name == "黃小美"))
    assert person.id_number == "A223456781"
    assert person.birth_date == date(1961, 3, 15)


def test_form_errors_for_impossible_date(client, staff_user, village):
    response = client.post("/people/new", data={
        "id_number": "A123456789", "name": "x", "sex": "M", "birth_date": "114/02/30",
        "village_id": village.id, "status": "registered",
    })
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert 'href="#birth_date"' in response.text


def test_edit_person_and_history(client, staff_user, make_person):
    person = make_person(address="舊地址1號")
    data = {"id_number": person.id_number, "name": person.name, "sex": person.sex,
            "birth_date": "1950-05-17", "village_id": person.village_id,
            "address": "新地址2號", "status": "registered"}
    assert client.post(f"/people/{person.id}/edit", data=data).status_code == 302
    page = client.get(f"/people/{person.id}").text
    assert "新地址2號" in page and "舊地址1號" in page  # history shows before -> after


def test_household_members_and_status(client, staff_user, make_person, village, db):
    head = make_person(name="戶長甲")
    spouse = make_person(name="配偶乙")
    response = client.post("/households/new", data={"village_id": village.id,
                                                     "address": "港埔路3號", "neighbourhood": 2})
    household = db.session.scalar(sa.select(Household))
    assert response.headers["Location"].endswith(f"/households/{household.id}")
    for person, rel in ((head, "本人"), (spouse, "配偶")):
        r = client.post(f"/households/{household.id}/members",
                        data={"member-id_number": person.id_number.lower(),
                              "member-relationship_to_head": rel})
        assert r.status_code == 302
    db.session.refresh(household)
    assert household.head_id == head.id and len(household.members) == 2
    # A person can be in only one household.
    other = client.post("/households/new", data={"village_id": village.id, "address": "x"})
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    r = client.post(f"/households/{other_id}/members",
                    data={"member-id_number": spouse.id_number,
                          "member-relationship_to_head": "本人"})
    assert r.status_code == 422
    today = date.today()
    r = client.post(f"/households/{household.id}/statuses", data={
        "status-kind": "low", "status-category_id": "0",
        "status-certified_from": f"{today.year - 1911}/01/01",
        "status-certified_until": f"{today.year - 1911}/12/31"})
    assert r.status_code == 302
    status = db.session.scalar(sa.select(LowIncomeStatus))
    assert status.kind == "low" and status.certified_until == date(today.year, 12, 31)
    # Overlapping period refused.
    r = client.post(f"/households/{household.id}/statuses", data={
        "status-kind": "mid_low", "status-category_id": "0",
        "status-certified_from": f"{today.year - 1911}/06/01",
        "status-certified_until": f"{today.year - 1910}/05/31"})
    assert r.status_code == 422 and "期間重疊" in r.text
    assert "戶長甲" in client.get("/households?category=low_income").text


def test_elder_register_and_sensitive_notes(client, staff_user, make_person, db):
    person = make_person(name="獨居丙")
    r = client.post(f"/elders/new/{person.id}", data={
        "care_level": "4", "assessed_on": "114/09/01", "assessor": "社工甲",
        "health_notes": "糖尿病", "active": "y"})
    assert r.status_code == 302
    elder = db.session.scalar(sa.select(IsolatedElder))
    assert elder.care_level == 4
    page = client.get(f"/elders/{elder.id}").text
    assert "糖尿病" not in page and f"/elders/{elder.id}/sensitive" in page  # shown on request
    shown = sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "view_sensitive")
    assert db.session.scalar(shown) == 0
    assert "糖尿病" in client.post(f"/elders/{elder.id}/sensitive").text
    assert db.session.scalar(shown) == 1
    assert "糖尿病" in client.get(f"/elders/{elder.id}/edit").text  # the form shows them too
    assert db.session.scalar(shown) == 2
    r = client.post(f"/elders/{elder.id}/contacts",
                    data={"name": "兒子丁", "relation": "子", "phone": "0911222333"})
    assert r.status_code == 302
    assert "0911222333" in client.get(f"/elders/{elder.id}").text
    # Inactive needs a reason.
    r = client.post(f"/elders/{elder.id}/edit", data={"care_level": "4"})
    assert r.status_code == 200 and "結案原因" in r.text
    history = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity_type == "isolated_elders")).all()
    assert all("糖尿病" not in str(h.after) for h in history)


@pytest.mark.parametrize("role, allowed", [("supervisor", True), ("volunteer", False),
                                           ("serviceman", False)])
def test_who_may_see_sensitive_notes(client, as_role, make_person, db, role, allowed):
    from welfare.roster import services

    person = make_person(name="獨居戊")
    elder = services.create_elder(person, {"care_level": 3, "health_notes": "失智初期"},
                                  actor=None)
    as_role(role)
    response = client.post(f"/elders/{elder.id}/sensitive")
    assert ("失智初期" in response.text) is allowed
    if not allowed:
        assert response.status_code in (302, 403)
    logged = db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                               .where(AuditLog.action == "view_sensitive"))
    assert logged == (1 if allowed else 0)


def test_expiring_list(client, staff_user, make_person, village, db):
    from welfare.roster import services

    household = services.create_household({"village_id": village.id, "address": "到期路1號"},
                                          actor=staff_user)
    today = date.today()
    services.add_low_income_status(household, "mid_low", None, date(today.year - 1, 1, 1),
                                   today.replace(day=1) if today.day > 1 else today,
                                   actor=staff_user)
    page = client.get("/low-income/expiring").text
    if today.day > 1:
        assert "到期路1號" not in page  # already ended before today
    services.add_low_income_status(household, "low", None, today, date.fromordinal(
        today.toordinal() + 30), actor=staff_user)
    assert "到期路1號" in client.get("/low-income/expiring").text


def test_bad_id_number_is_reported_with_the_other_errors(client, staff_user, village):
    response = client.post("/people/new", data={
        "id_number": "A123456788", "name": "", "sex": "M", "birth_date": "40/1/1",
        "village_id": village.id, "status": "registered"})
    assert response.status_code == 200
    assert 'href="#id_number"' in response.text and 'href="#name"' in response.text


@pytest.mark.parametrize("role, shown", [("admin", True), ("staff", True),
                                         ("supervisor", False)])
def test_change_buttons_follow_the_clerks_role_set(role, shown, client, as_role, make_person):
    user = as_role(role)
    person = make_person(village_id=user.villages[0].id) if user.villages else make_person()
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    assert (f"/people/{person.id}/edit" in response.get_data(as_text=True)) is shown
    home = client.get("/").get_data(as_text=True)
    assert ("/people/import" in home) is shown
