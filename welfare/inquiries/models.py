"""Citizen inquiries and petitions (民眾詢問與陳情) and their topics with response deadlines."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.inquiries.rules import CHANNELS, STATUSES
from welfare.web import is_chinese


class InquiryTopic(db.Model):
    """A topic and its response deadline in working days (data, not code)."""

    __tablename__ = "inquiry_topics"
    __table_args__ = (sa.CheckConstraint("due_working_days BETWEEN 1 AND 30", name="due_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    due_working_days: Mapped[int] = mapped_column(default=6)
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self):
        return self.name_zh if is_chinese() else self.name_en


class Inquiry(db.Model):
    __tablename__ = "inquiries"
    __table_args__ = (
        sa.CheckConstraint(sa.column("channel").in_(CHANNELS), name="channel"),
        sa.CheckConstraint(sa.column("status").in_(STATUSES), name="status"),
        sa.CheckConstraint("due_on >= received_on", name="due"),
        sa.CheckConstraint("status = 'open' OR (response <> '' AND responded_on IS NOT NULL)",
                           name="answered"),
        sa.CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
                           name="satisfaction"),
        sa.Index("ix_inquiries_open_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    asker_name: Mapped[str] = mapped_column(sa.String(60), default="")
    asker_contact: Mapped[str] = mapped_column(sa.String(100), default="")
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("inquiry_topics.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    received_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_on: Mapped[date | None]
    satisfaction: Mapped[int | None]
    reminded_at: Mapped[datetime | None]  # the owner was told it falls due
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic = relationship("InquiryTopic", lazy="joined")
    person = relationship("Person")
    village = relationship("Village", lazy="joined")
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])


# Village-limited staff see their villages' inquiries; field roles see none.
scope.narrow(Inquiry, villages=lambda ids: Inquiry.village_id.in_(ids))
