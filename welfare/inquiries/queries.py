"""Read-only selects for inquiries: lists, a person's inquiries, statistics."""

from datetime import date

import sqlalchemy as sa

from welfare.auth.models import OFFICE_ROLES, User
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.inquiries import rules
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.web import show_month, village_name

VIEWS = ("open", "mine", "overdue", "all")


def topics(active_only=True):
    stmt = sa.select(InquiryTopic).order_by(InquiryTopic.id)
    if active_only:
        stmt = stmt.where(InquiryTopic.active)
    return db.session.scalars(stmt).all()


def owners():
    return db.session.scalars(sa.select(User).where(
        User.role.in_(OFFICE_ROLES), User.is_active_account).order_by(User.id)).all()


def villages():
    return db.session.scalars(sa.select(Village).order_by(Village.code)).all()


def inquiry_list(view, user, village_id, today, page, per_page):
    """Inquiries for a list: open, mine (open ones I own), overdue, or all; by village."""
    stmt = sa.select(Inquiry)
    if view in ("open", "mine", "overdue"):
        stmt = stmt.where(Inquiry.status == "open")
    if view == "mine":
        stmt = stmt.where(Inquiry.owner_id == user.id)
    if view == "overdue":
        stmt = stmt.where(Inquiry.due_on < today)
    if village_id:
        stmt = stmt.where(Inquiry.village_id == village_id)
    stmt = stmt.order_by(Inquiry.due_on, Inquiry.id) if view != "all" else \
        stmt.order_by(Inquiry.received_on.desc(), Inquiry.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def about_person(person_id, open_only=False):
    stmt = sa.select(Inquiry).where(Inquiry.person_id == person_id)
    if open_only:
        stmt = stmt.where(Inquiry.status == "open")
    return db.session.scalars(stmt.order_by(Inquiry.received_on.desc())).all()


def due_soon(today, until):
    """Open inquiries due between today and `until` whose owner has not been reminded."""
    return db.session.scalars(sa.select(Inquiry).where(
        Inquiry.status == "open", Inquiry.due_on >= today, Inquiry.due_on <= until,
        Inquiry.reminded_at.is_(None))).all()


def overdue(today):
    return db.session.scalars(sa.select(Inquiry).where(
        Inquiry.status == "open", Inquiry.due_on < today).order_by(Inquiry.due_on)).all()


def _counts(column, label_of):
    rows = db.session.execute(sa.select(column, sa.func.count(Inquiry.id))
                              .group_by(column).order_by(sa.func.count(Inquiry.id).desc()))
    return [(label_of(key), n) for key, n in rows]


def statistics(today: date):
    """Counts by topic, channel, village and month; median days to response; the share
    answered in time; what is open and overdue."""
    from welfare.inquiries.labels import CHANNEL_LABELS

    topic_names = {t.id: t for t in topics(active_only=False)}
    village_names = {v.id: v for v in villages()}
    rows = db.session.execute(sa.select(Inquiry.received_on, Inquiry.responded_on,
                                        Inquiry.due_on, Inquiry.status, Inquiry.satisfaction))
    rows = rows.all()
    months = {}
    for received, *_rest in rows:
        key = rules.month_key(received)
        months[key] = months.get(key, 0) + 1
    rated = [r.satisfaction for r in rows if r.satisfaction]
    return {
        "total": len(rows),
        "open": sum(r.status == "open" for r in rows),
        "overdue": sum(rules.is_overdue(r.status, r.due_on, today) for r in rows),
        "by_topic": _counts(Inquiry.topic_id, lambda k: str(topic_names[k])),
        "by_channel": _counts(Inquiry.channel, lambda k: CHANNEL_LABELS.get(k, k)),
        "by_village": _counts(Inquiry.village_id,
                              lambda k: village_name(village_names[k]) if k else None),
        "by_month": [(show_month(key), n) for key, n in sorted(months.items())],
        "satisfaction": (sum(rated) / len(rated)) if rated else None,
        **rules.response_summary([(r.received_on, r.responded_on, r.due_on) for r in rows]),
    }
