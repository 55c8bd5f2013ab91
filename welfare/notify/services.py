"""Telling people: queue a message in the outbox, deliver it (RQ with Redis, a thread of the
web process without, inline in tests: through jobs.enqueue), retry with back-off, resend."""

import sqlalchemy as sa
from flask import current_app

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.jobs import services as jobs
from welfare.notify import channels, rules
from welfare.notify.models import OutboxMessage, StaffContact


def address_of(user):
    """(channel, address) an account is told on: e-mail if it has one, else SMS."""
    contact = db.session.get(StaffContact, user.id) if user is not None else None
    if contact and contact.email:
        return "email", contact.email
    mobile = (contact.mobile if contact else "") or (user.phone if user else "")
    if mobile:
        return "sms", mobile
    return "email", ""


def tell(kind, key, user, subject, body):
    """Queue one message to an account (once per key and channel, however often asked).
    Without an address or channel settings it is kept as "unconfigured", never dropped."""
    channel, address = address_of(user)
    return queue(kind, key, channel, address, subject, body, user=user)


def tell_number(kind, key, mobile, body):
    """An SMS to a phone number that is not an account (a citizen)."""
    return queue(kind, key, "sms", mobile, "", body)


def queue(kind, key, channel, recipient, subject, body, user=None):
    exists = db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key == key, OutboxMessage.channel == channel))
    if exists:
        return None
    ready = bool(recipient) and channels.configured(channel, current_app.config)
    message = OutboxMessage(kind=kind, dedupe_key=key[:100], channel=channel,
                            recipient=recipient[:120], user_id=getattr(user, "id", None),
                            subject=subject[:200], body=body,
                            status="queued" if ready else "unconfigured",
                            next_attempt_at=utcnow() if ready else None)
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:  # another run queued it meanwhile
        return None
    audit.record("notify", entity=message, summary=f"{kind} {channel} {message.status}")
    if ready:
        jobs.enqueue("notify", "welfare.notify.services.deliver_job", [message.id])
    return message


def deliver_job(job_id, message_ids):
    """The job that sends queued messages (by id)."""
    for message_id in message_ids:
        deliver(db.session.get(OutboxMessage, message_id), utcnow())


def deliver(message, now):
    """One try: sent, or tried again later with back-off, or failed after the last try."""
    if message is None or message.status != "queued":
        return message
    config = current_app.config
    if not channels.configured(message.channel, config):
        message.status, message.next_attempt_at = "unconfigured", None
        return message
    message.attempts += 1
    try:
        channels.send(message, config)
    except channels.ChannelError as exc:
        message.last_error = str(exc)[:300]
        message.status, message.next_attempt_at = rules.after_failure(
            message.attempts, now, config.get("NOTIFY_MAX_ATTEMPTS", rules.MAX_ATTEMPTS),
            config.get("NOTIFY_RETRY_SECONDS", rules.FIRST_RETRY_SECONDS))
        if message.status == "failed":
            audit.record("notify_failed", entity=message, summary=message.last_error[:200])
    else:
        message.status, message.sent_at, message.next_attempt_at = "sent", now, None
        message.last_error = ""
    db.session.flush()
    return message


def deliver_due(now=None):
    """The periodic task: every queued message whose next try is due; commits."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).with_for_update(skip_locked=True)).all()
    for message in due:
        deliver(message, now)
    db.session.commit()
    return len(due)


def resend(message, actor):
    """Staff send a failed or unconfigured message again, from the first try."""
    message.status, message.attempts, message.last_error = "queued", 0, ""
    message.next_attempt_at = utcnow()
    db.session.flush()
    audit.record("notify_resend", actor=actor, entity=message, summary=message.kind)
    jobs.enqueue("notify", "welfare.notify.services.deliver_job", [message.id], actor=actor)
    return message


def set_contact(user, email, mobile, actor=None):
    contact = db.session.get(StaffContact, user.id) or StaffContact(user_id=user.id)
    contact.email, contact.mobile = email or "", mobile or ""
    db.session.add(contact)
    db.session.flush()
    audit.record("update", actor=actor, entity_type="notify_contacts", entity_id=user.id,
                 summary="contact addresses")
    return contact
