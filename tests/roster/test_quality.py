"""The data-quality page: counts per village on a small world, the lists behind them, the
village scope of a clerk, and the Excel downloads (contents and export log)."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from welfare.auth.models import AuditLog
from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.roster import quality
from welfare.roster.models import (
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeStatus,
)

TODAY = date.today()


@pytest.fixture
def world(db, make_person, villages):
    a, b = villages[0], villages[1]
    ok = {"phone": "07-6411111", "registered_on": date(2001, 3, 4)}
    p = {
        "bare": make_person(name="甲無電話", village=a, phone="", mobile="", registered_on=None),
        "fine": make_person(name="甲完整", village=a, **ok),
        "lonely": make_person(name="甲獨居", village=a, mobile="0912345678",
                              registered_on=date(1999, 1, 1)),
        "cared": make_person(name="甲有聯絡人", village=a, **ok),
        "gone": make_person(name="甲已歿", village=a, phone="", status="deceased"),
        "b_bare": make_person(name="乙無電話", village=b, phone="", mobile="",
                              registered_on=date(2010, 1, 1)),
    }
    # A merged record with nothing is hidden: it counts nowhere.
    make_person(name="甲已合併", village=a, phone="", merged_into_id=p["fine"].id)
    old = IsolatedElder(person_id=p["lonely"].id, care_level=2,
                        assessed_on=TODAY - timedelta(days=400))
    recent = IsolatedElder(person_id=p["cared"].id, care_level=1,
                           assessed_on=TODAY - timedelta(days=30))
    inactive = IsolatedElder(person_id=p["bare"].id, care_level=1, active=False)
    db.session.add_all([old, recent, inactive])
    db.session.flush()
    db.session.add(EmergencyContact(elder_id=recent.id, name="子", phone="0911000000"))
    db.session.add(DuplicateFlag(person_a_id=min(p["fine"].id, p["cared"].id),
                                 person_b_id=max(p["fine"].id, p["cared"].id), reason="name_birth"))
    db.session.add(DuplicateFlag(person_a_id=min(p["bare"].id, p["lonely"].id),
                                 person_b_id=max(p["bare"].id, p["lonely"].id),
                                 reason="name_birth", status="dismissed"))
    expiring = Household(household_no="A1", village_id=a.id, address="x")
    renewed = Household(household_no="A2", village_id=a.id, address="y")
    db.session.add_all([expiring, renewed])
    db.session.flush()
    db.session.add(HouseholdMember(household_id=expiring.id, person_id=p["fine"].id))
    db.session.add_all([
        LowIncomeStatus(household_id=expiring.id, kind="low", certified_from=date(2020, 1, 1),
                        certified_until=TODAY + timedelta(days=30)),
        LowIncomeStatus(household_id=renewed.id, kind="low", certified_from=date(2020, 1, 1),
                        certified_until=TODAY + timedelta(days=20)),
        LowIncomeStatus(household_id=renewed.id, kind="low",
                        certified_from=TODAY + timedelta(days=21),
                        certified_until=TODAY + timedelta(days=400)),
    ])
    open_event = DeliveryEvent(name="春節", event_date=TODAY, status="planned")
    closed = DeliveryEvent(name="去年", event_date=date(2020, 1, 1), status="closed")
    db.session.add_all([open_event, closed])
    db.session.flush()
    db.session.add_all([
        # by household: its member "fine" is approximately placed
        DeliveryStop(event_id=open_event.id, household_id=expiring.id, kind="low",
                     recipient_name="甲完整", village_id=a.id, approximate=True),
        DeliveryStop(event_id=open_event.id, person_id=p["cared"].id, kind="elder",
                     recipient_name="甲有聯絡人", village_id=a.id, approximate=False),
        DeliveryStop(event_id=closed.id, person_id=p["lonely"].id, kind="elder",
                     recipient_name="甲獨居", village_id=a.id, approximate=True),
    ])
    db.session.flush()
    return {"a": a, "b": b, "people": p}


EXPECTED_A = {"no_phone": 1, "no_registered_on": 1, "elder_no_contact": 1,
              "elder_old_assessment": 1, "approximate": 1, "duplicate": 2, "expiring": 1}


def test_counts_by_village(db, world):
    found, villages = quality.counts()
    assert found[world["a"].id] == EXPECTED_A
    assert found[world["b"].id] == {"no_phone": 1}
    assert world["a"] in villages and world["b"] in villages


@pytest.mark.parametrize("check, names", [
    ("no_phone", {"甲無電話"}), ("no_registered_on", {"甲無電話"}),
    ("elder_no_contact", {"甲獨居"}), ("elder_old_assessment", {"甲獨居"}),
    ("approximate", {"甲完整"}), ("duplicate", {"甲完整", "甲有聯絡人"}),
])
def test_each_list_names_the_people_counted(client, staff_user, world, check, names):
    page = client.get(f"/people/quality/{check}?village={world['a'].code}")
    assert page.status_code == 200
    everyone = {p.name for p in world["people"].values()} | {"甲已合併", "乙無電話"}
    shown = {n for n in everyone if n in page.text}
    assert shown == names


def test_the_page_links_each_count_to_its_list(client, staff_user, world):
    page = client.get("/people/quality")
    assert page.status_code == 200 and "資料品質檢核" in page.text
    a = world["a"].code
    assert f"/people/quality/duplicate?village={a}" in page.text
    assert f"/low-income/expiring?village={a}" in page.text
    assert "無市話及手機" in page.text
    expiring = client.get(f"/low-income/expiring?village={a}").text
    assert expiring.count("<tr>") == 2  # header and the one expiring household (not renewed)


def test_a_clerk_of_another_village_sees_only_theirs(client, as_role, world):
    as_role("staff", villages=[world["b"]])  # a village clerk
    page = client.get("/people/quality")
    assert page.status_code == 200
    assert world["b"].name_zh in page.text and world["a"].name_zh not in page.text
    assert f"/people/quality/no_phone?village={world['b'].code}" in page.text
    for check in quality.PERSON_CHECKS:
        listed = client.get(f"/people/quality/{check}?village={world['a'].code}").text
        assert not any(p.name in listed for k, p in world["people"].items() if k != "b_bare")
    assert "甲完整" not in client.get(f"/low-income/expiring?village={world['a'].code}").text
    book = load_workbook(io.BytesIO(client.get("/people/quality.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [world["b"].name_zh, "合計"]
    listed = client.get(f"/people/quality/no_phone.xlsx?village={world['a'].code}")
    names = [r[1] for r in load_workbook(io.BytesIO(listed.data)).active
             .iter_rows(min_row=2, values_only=True)]
    assert names == ["乙無電話"]


def test_unknown_check_is_404_and_volunteers_are_refused(client, as_role, world):
    as_role("staff")
    assert client.get("/people/quality/nothing").status_code == 404
    assert client.get("/people/quality/expiring").status_code == 404


def test_volunteer_refused(client, volunteer_user, world):
    assert client.get("/people/quality").status_code in (302, 403)
    assert client.get("/people/quality.xlsx").status_code in (302, 403)


def test_excel_downloads_hold_the_counts_and_are_logged(client, staff_user, world, db):
    response = client.get("/people/quality.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "里別" and header[1:] == tuple(str(c.label) for c in quality.CHECKS)
    by_village = {r[0]: r[1:] for r in rows[1:]}
    a_name = next(k for k in by_village if world["a"].name_zh in k)
    assert by_village[a_name] == tuple(EXPECTED_A[c.key] for c in quality.CHECKS)
    assert by_village["合計"][0] == 2  # no phone: one in each village
    listed = client.get(f"/people/quality/duplicate.xlsx?village={world['a'].code}")
    people = list(load_workbook(io.BytesIO(listed.data)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in people[1:]) == ["甲完整", "甲有聯絡人"]
    assert all("*" in r[0] for r in people[1:])  # ID numbers masked
    logged = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")
                                .order_by(AuditLog.id)).all()
    assert [row.entity_type for row in logged[-2:]] == ["quality", "quality-duplicate"]
    assert logged[-1].after["rows"] == 2


def test_counts_are_narrowed_to_the_acting_scope(db, world):
    from welfare.auth import scope

    with scope.acting(scope.Scope("villages", (world["b"].id,))):
        found, villages = quality.counts()
    assert found == {world["b"].id: {"no_phone": 1}}
    assert villages == [world["b"]]
    with scope.acting(scope.Scope("villages", (world["a"].id,))):
        assert quality.counts()[0] == {world["a"].id: EXPECTED_A}
