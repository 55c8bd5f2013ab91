"""Who is told, by e-mail through a real SMTP server and SMS through a fake gateway; retries
with back-off end in "failed", shown on the outbox page and sent again from there."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog, utcnow
from welfare.inquiries import reminders
from welfare.inquiries.demo import ensure_topics
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.notify import services
from welfare.notify.models import OutboxMessage
from welfare.roster.models import IsolatedElder
from welfare.visits import alerts
from welfare.visits.models import Alert


@pytest.fixture
def owner(db, make_user):
    user = make_user("staff", username="owner1")
    services.set_contact(user, "owner1@example.org", "")
    return user


def overdue_inquiry(db, owner):
    ensure_topics()
    topic = db.session.scalars(sa.select(InquiryTopic).where(InquiryTopic.code == "other")).one()
    inquiry = Inquiry(channel="phone", topic_id=topic.id, text="問題", owner_id=owner.id,
                      created_by_id=owner.id, received_on=date.today() - timedelta(days=20),
                      due_on=date.today() - timedelta(days=10))
    db.session.add(inquiry)
    db.session.flush()
    return inquiry


def messages(db):
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_an_overdue_inquiry_mails_its_owner_once(app, db, owner, smtp_server):
    inquiry = overdue_inquiry(db, owner)
    with app.test_request_context():
        reminders.remind()
        reminders.remind()  # a second run (another host) tells nobody twice
    [message] = messages(db)
    assert (message.status, message.attempts, message.kind) == ("sent", 1, "inquiry_overdue")
    [(to, mail)] = smtp_server.messages
    assert to == ["owner1@example.org"]
    assert mail["Subject"] == f"第 {inquiry.id} 號案件已逾期"
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "notify", AuditLog.entity_id == message.id)) == 1


def test_an_escalation_step_mails_the_new_owner(app, db, owner, make_person, smtp_server):
    person = make_person(name="林阿嬌")
    elder = IsolatedElder(person_id=person.id, care_level=3)
    db.session.add(elder)
    db.session.flush()
    opened = utcnow() - timedelta(days=3)
    alert = Alert(elder_id=elder.id, reason="no_answer", step=0, opened_at=opened,
                  deadline_at=opened + timedelta(hours=1), owner_id=None)
    db.session.add(alert)
    db.session.flush()
    with app.test_request_context():
        assert alerts.escalate_due(utcnow()) == 1
    assert alert.owner_id == owner.id
    sent = [m for m in messages(db) if m.kind == "alert_step"]
    assert [m.status for m in sent] == ["sent"]
    # The step that ran out had no owner: recorded as unconfigured, not dropped.
    late = [m for m in messages(db) if m.kind == "alert_overdue"]
    assert [m.status for m in late] == ["unconfigured"]
    [(to, mail)] = smtp_server.messages
    assert to == ["owner1@example.org"] and mail["Subject"].startswith(f"第 {alert.id} 號警示")
    assert "林○○" in mail.get_content() and "林阿嬌" not in mail.get_content()


def test_a_failed_send_is_retried_with_back_off_then_failed(app, db, owner, dead_smtp,
                                                            client, as_role):
    overdue_inquiry(db, owner)
    with app.test_request_context():
        reminders.remind()
    [message] = messages(db)
    assert (message.status, message.attempts) == ("queued", 1)
    assert "SMTP" in message.last_error
    first_retry = message.next_attempt_at
    assert services.deliver_due(first_retry - timedelta(seconds=1)) == 0  # not yet
    assert services.deliver_due(first_retry) == 1
    assert (message.status, message.attempts) == ("queued", 2)
    assert message.next_attempt_at - first_retry >= timedelta(minutes=2)
    services.deliver_due(message.next_attempt_at)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    as_role("staff")
    page = client.get("/notify/outbox?status=failed").text
    assert "傳送失敗" in page and "owner1@example.org" in page and "再次傳送" in page


def test_staff_resend_a_failed_message(app, db, owner, smtp_server, client, as_role):
    message = services.queue("test", "test:1", "email", "owner1@example.org", "主旨", "內容")
    assert len(smtp_server.messages) == 1  # sent at once (jobs run inline in tests)
    message.status, message.attempts = "failed", 3  # as if the server had refused it
    db.session.flush()
    as_role("staff")
    assert client.post(f"/notify/outbox/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert message.status == "sent" and len(smtp_server.messages) == 2
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "notify_resend")) == 1


def test_sms_through_the_gateway(app, db, make_user, sms_gateway):
    user = make_user("volunteer")
    services.set_contact(user, "", "0912345678")
    with app.test_request_context():
        message = services.tell("visit_due", "visit:1", user, "", "今天請訪視")
    assert message.channel == "sms" and message.status == "sent"
    assert sms_gateway == [("Bearer test-key", {"to": "0912345678", "text": "今天請訪視"})]


def test_an_unconfigured_channel_is_kept_and_shown(app, db, owner, client, as_role,
                                                  monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    overdue_inquiry(db, owner)
    with app.test_request_context():
        reminders.remind()
    [message] = messages(db)
    assert message.status == "unconfigured" and message.attempts == 0
    as_role("staff")
    page = client.get("/notify/outbox").text
    assert "未設定" in page and "owner1@example.org" in page


def test_field_roles_do_not_see_the_outbox(client, as_role):
    as_role("volunteer")
    assert client.get("/notify/outbox").status_code == 403


def test_a_volunteer_is_told_the_day_a_visit_falls_due(app, db, make_user, make_person,
                                                       sms_gateway):
    from welfare.visits import notices
    from welfare.visits.models import Assignment, Volunteer

    user = make_user("volunteer")
    services.set_contact(user, "", "0911000111")
    volunteer = Volunteer(user_id=user.id, name="志工測試")
    person = make_person(name="王阿公")
    elder = IsolatedElder(person_id=person.id, care_level=2)
    db.session.add_all([volunteer, elder])
    db.session.flush()
    db.session.add(Assignment(elder_id=elder.id, primary_id=volunteer.id))
    db.session.flush()
    with app.test_request_context():
        notices.remind_volunteers()  # never visited: due from the day it was registered
        notices.remind_volunteers()
    sent = [m for m in messages(db) if m.kind.startswith("visit_")]
    assert len(sent) == 1 and sent[0].status == "sent" and sent[0].recipient == "0911000111"
    assert "王○○" in sms_gateway[0][1]["text"]
