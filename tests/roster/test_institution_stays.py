"""Institution stays (機構安置) on a person's page: recorded, ended, audited, in scope."""

from datetime import date

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog
from welfare.errors import ServiceError
from welfare.roster import services
from welfare.roster.models import InstitutionStay


def _audit(db, action):
    return db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity_type == "institution_stays", AuditLog.action == action)).all()


def test_add_and_end_a_stay(db, make_person, make_user):
    person, clerk = make_person(), make_user("staff")
    stay = services.add_stay(person, " 高雄市立仁愛之家 ", date(2025, 3, 1), actor=clerk)
    assert (stay.institution, stay.ended_on, stay.covers(date(2026, 1, 1))) == (
        "高雄市立仁愛之家", None, True)
    with pytest.raises(ServiceError, match="尚未結束"):
        services.add_stay(person, "另一機構", date(2026, 1, 1), actor=clerk)
    with pytest.raises(ServiceError):
        services.end_stay(stay, date(2025, 2, 1), actor=clerk)
    services.end_stay(stay, date(2026, 6, 30), actor=clerk)
    assert not stay.covers(date(2026, 7, 1)) and stay.ended_by_id == clerk.id
    with pytest.raises(ServiceError):
        services.end_stay(stay, date(2026, 7, 1), actor=clerk)
    # After the stay ended, a new one may begin.
    services.add_stay(person, "鳳山護理之家", date(2026, 8, 1), actor=clerk)
    assert len(_audit(db, "create")) == 2 and len(_audit(db, "end_stay")) == 1
    assert [s.institution for s in person.institution_stays] == ["鳳山護理之家", "高雄市立仁愛之家"]


@pytest.mark.parametrize("values", [
    {"institution": ""},
    {"ended_on": date(2024, 1, 1), "ended_by_id": None},   # ended, but by nobody
    {"started_on": date(2025, 1, 1), "ended_on": date(2024, 1, 1)},
])
def test_the_database_refuses_an_incoherent_stay(db, make_person, make_user, values):
    clerk = make_user("staff")
    stay = services.add_stay(make_person(), "仁愛之家", date(2025, 1, 1), actor=clerk)
    values = {"ended_by_id": clerk.id} | values if "ended_on" in values else values
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(InstitutionStay).where(InstitutionStay.id == stay.id)
                           .values(**values))


def test_one_open_stay_per_person_in_the_database(db, make_person, make_user):
    person = make_person()
    db.session.add(InstitutionStay(person_id=person.id, institution="甲",
                                   started_on=date(2025, 1, 1)))
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(InstitutionStay(person_id=person.id, institution="乙",
                                       started_on=date(2025, 6, 1)))
        db.session.flush()


def test_staff_record_and_end_a_stay_on_the_person_page(client, as_role, db, make_person):
    person = make_person()
    as_role("staff")
    page = client.get(f"/people/{person.id}").text
    assert "機構安置" in page and "登錄機構安置" in page
    response = client.post(f"/people/{person.id}/institution",
                           data={"institution": "", "started_on": "115/01/05"})
    assert response.status_code == 422 and "請填寫機構名稱。" in response.text
    response = client.post(f"/people/{person.id}/institution",
                           data={"institution": "林園老人長期照顧中心", "started_on": "115/01/05"})
    assert response.status_code == 302
    stay = db.session.scalar(sa.select(InstitutionStay).where(
        InstitutionStay.person_id == person.id))
    assert (stay.institution, stay.started_on) == ("林園老人長期照顧中心", date(2026, 1, 5))
    page = client.get(f"/people/{person.id}").text
    assert "林園老人長期照顧中心" in page and "仍在機構" in page
    response = client.post(f"/people/{person.id}/institution/{stay.id}/end",
                           data={"ended_on": "114/12/31"})
    assert response.status_code == 422 and "離開日期不能早於入住日期" in response.text
    client.post(f"/people/{person.id}/institution/{stay.id}/end", data={"ended_on": "115/06/30"})
    db.session.refresh(stay)
    assert stay.ended_on == date(2026, 6, 30)


def test_stays_are_scoped_and_field_roles_refused(client, as_role, db, make_person, villages):
    person = make_person(village=villages[1])
    stay = InstitutionStay(person_id=person.id, institution="甲", started_on=date(2025, 1, 1))
    db.session.add(stay)
    db.session.flush()
    as_role("staff", villages=[villages[0]])
    assert client.post(f"/people/{person.id}/institution",
                       data={"institution": "乙", "started_on": "115/01/05"}).status_code == 404
    assert client.post(f"/people/{person.id}/institution/{stay.id}/end",
                       data={"ended_on": "115/06/30"}).status_code == 404
    assert stay.ended_on is None


@pytest.mark.parametrize("role", ["volunteer", "serviceman", "supervisor"])
def test_only_clerks_record_stays(client, as_role, db, make_person, role):
    person = make_person()
    stay = InstitutionStay(person_id=person.id, institution="甲", started_on=date(2025, 1, 1))
    db.session.add(stay)
    db.session.flush()
    as_role(role)
    assert client.post(f"/people/{person.id}/institution/{stay.id}/end",
                       data={"ended_on": "115/06/30"}).status_code == 403
    assert client.post(f"/people/{person.id}/institution",
                       data={"institution": "乙", "started_on": "115/01/05"}).status_code == 403
    assert stay.ended_on is None


def test_a_merge_carries_the_stay_unless_both_are_open(db, make_person, make_user):
    from welfare.roster.models import DuplicateFlag

    clerk = make_user("staff")
    keep, other = make_person(), make_person()
    flag = DuplicateFlag(person_a_id=min(keep.id, other.id), person_b_id=max(keep.id, other.id),
                         reason="name_birth")
    db.session.add(flag)
    services.add_stay(keep, "甲", date(2025, 1, 1), actor=clerk)
    services.add_stay(other, "乙", date(2025, 1, 1), actor=clerk)
    assert services.merge_refusals(keep, other) == [
        "兩筆紀錄都有尚未結束的機構安置：請先結束錯誤的那一筆。"]
    services.end_stay(other.institution_stays[0], date(2025, 6, 30), actor=clerk)
    services.merge_duplicate(flag, keep, actor=clerk)
    assert sorted(s.institution for s in db.session.scalars(sa.select(InstitutionStay).where(
        InstitutionStay.person_id == keep.id))) == ["乙", "甲"]
