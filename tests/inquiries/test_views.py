"""Recording, listing, answering inquiries; scope by village; statistics; the person's
history and the public lookup show them."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from welfare.inquiries import rules
from welfare.inquiries.demo import ensure_topics
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.roster.history import person_events


@pytest.fixture
def topics(db):
    ensure_topics()
    return {t.code: t for t in db.session.scalars(sa.select(InquiryTopic))}


def record(client, topic, **fields):
    data = {"channel": "phone", "topic_id": topic.id, "asker_name": "陳小姐",
            "asker_contact": "0912345678", "person_id_number": "", "village_id": 0,
            "text": "媽媽的重陽禮金領了嗎？", "owner_id": fields.pop("owner_id"),
            "received_on": "2026-12-04"}
    data.update(fields)
    return client.post("/inquiries/new", data=data)


def test_record_sets_the_due_date_from_the_topic(client, db, as_role, topics, make_person):
    staff = as_role("staff")
    person = make_person(name="陳阿土")
    response = record(client, topics["elder_gift"], owner_id=staff.id,
                      person_id_number=person.id_number.lower())
    assert response.status_code == 302
    inquiry = db.session.scalars(sa.select(Inquiry)).one()
    assert inquiry.due_on == date(2026, 12, 14)  # 6 working days after a Friday
    assert inquiry.person_id == person.id and inquiry.village_id == person.village_id
    page = client.get(response.headers["Location"]).text
    assert "陳阿土" in page and "6 個工作天" in page


def test_unknown_person_is_a_field_error(client, db, as_role, topics):
    staff = as_role("staff")
    page = record(client, topics["other"], owner_id=staff.id, person_id_number="A123456789")
    assert page.status_code == 200 and "查無此身分證字號" in page.text
    assert db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 0


def _inquiry(db, topic, owner, received, village=None, person=None, **kw):
    inquiry = Inquiry(channel="counter", topic_id=topic.id, text="問題", owner_id=owner.id,
                      created_by_id=owner.id, received_on=received,
                      due_on=rules.add_working_days(received, topic.due_working_days),
                      village_id=village.id if village else None,
                      person_id=person.id if person else None, **kw)
    db.session.add(inquiry)
    db.session.flush()
    return inquiry


def test_lists_mine_overdue_and_by_village(client, db, as_role, make_user, topics, villages):
    staff = as_role("staff")
    other = make_user("staff")
    today = date.today()
    mine_late = _inquiry(db, topics["other"], staff, today - timedelta(days=30), villages[0])
    theirs_new = _inquiry(db, topics["other"], other, today, villages[1])
    _inquiry(db, topics["other"], staff, today - timedelta(days=30), villages[1],
             status="answered", response="已回覆", responded_on=today - timedelta(days=29))

    def ids(query):
        page = client.get(f"/inquiries?{query}").text
        return {i for i in (mine_late.id, theirs_new.id) if f"/inquiries/{i}\"" in page}

    assert ids("view=mine") == {mine_late.id}
    assert ids("view=overdue") == {mine_late.id}
    assert ids("view=open") == {mine_late.id, theirs_new.id}
    assert ids(f"view=open&village={villages[1].id}") == {theirs_new.id}


def test_answer_once_and_supervisor_cannot(client, db, as_role, make_user, topics):
    owner = make_user("staff")
    inquiry = _inquiry(db, topics["other"], owner, date(2026, 12, 1))
    as_role("supervisor")
    assert client.post(f"/inquiries/{inquiry.id}", data={
        "response": "x", "responded_on": "2026-12-02"}).status_code == 403
    client.post("/logout")
    as_role("staff")
    early = client.post(f"/inquiries/{inquiry.id}", data={
        "response": "已說明", "responded_on": "2026-11-30"})
    assert early.status_code == 200 and "不可早於" in early.text
    done = client.post(f"/inquiries/{inquiry.id}", data={
        "response": "已說明", "responded_on": "2026-12-02", "satisfaction": "5"})
    assert done.status_code == 302
    db.session.refresh(inquiry)
    assert (inquiry.status, inquiry.responded_on, inquiry.satisfaction) == \
        ("answered", date(2026, 12, 2), 5)


def test_the_database_refuses_an_answer_without_text(db, make_user, topics):
    inquiry = _inquiry(db, topics["other"], make_user("staff"), date(2026, 12, 1))
    inquiry.status = "answered"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_village_limited_staff_see_only_their_villages(client, db, as_role, make_user,
                                                       topics, villages):
    owner = make_user("staff")
    there = _inquiry(db, topics["other"], owner, date.today(), villages[1])
    here = _inquiry(db, topics["other"], owner, date.today(), villages[0])
    as_role("staff", villages=[villages[0]])
    assert client.get(f"/inquiries/{there.id}").status_code == 404
    assert client.get(f"/inquiries/{here.id}").status_code == 200
    assert f"/inquiries/{there.id}\"" not in client.get("/inquiries?view=all").text


def test_field_roles_cannot_open_inquiries(client, as_role):
    as_role("volunteer")
    assert client.get("/inquiries").status_code == 403


def test_statistics(client, db, as_role, make_user, topics, villages):
    owner = make_user("staff")
    received = date(2026, 11, 2)  # Monday; 6 working days -> due 11/10
    _inquiry(db, topics["elder_gift"], owner, received, villages[0], status="answered",
             response="好", responded_on=date(2026, 11, 4), satisfaction=4)
    _inquiry(db, topics["elder_gift"], owner, received, villages[0], status="answered",
             response="好", responded_on=date(2026, 11, 20))
    _inquiry(db, topics["petition"], owner, received, None)
    as_role("supervisor")
    page = client.get("/inquiries/statistics").text
    assert "敬老禮金" in page and "陳情案件" in page and "115/11" in page
    assert "50.0 %" in page  # one of the two answers came in time
    assert "10.0" in page  # median of 2 and 18 days


def test_history_and_lookup_show_inquiries_about_the_person(client, db, make_user, topics,
                                                            make_person):
    person = make_person(birth_date=date(1950, 5, 17))
    _inquiry(db, topics["elder_gift"], make_user("staff"), date.today(), person=person,
             village=person.village)
    events = [e for e in person_events(person) if e.kind == "inquiry"]
    assert len(events) == 1 and events[0].extra["status"] == "open"
    page = client.post("/lookup", data={"id_number": person.id_number,
                                        "birth_date": "1950-05-17"}).text
    assert "敬老禮金：" in page and "前答覆" in page
