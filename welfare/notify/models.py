"""The outbox (every message, its tries and outcome) and staff contact addresses."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.notify.rules import CHANNELS, STATUSES


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(sa.column("channel").in_(CHANNELS), name="channel"),
        sa.CheckConstraint(sa.column("status").in_(STATUSES), name="status"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        # A periodic task that runs twice (two hosts) tells nobody twice.
        sa.UniqueConstraint("dedupe_key", "channel", name="uq_outbox_messages_dedupe_key"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    dedupe_key: Mapped[str] = mapped_column(sa.String(100))
    channel: Mapped[str] = mapped_column(sa.String(10))
    recipient: Mapped[str] = mapped_column(sa.String(120))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(15), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class StaffContact(db.Model):
    """Where an account is told things: an e-mail address, a mobile for SMS."""

    __tablename__ = "notify_contacts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    mobile: Mapped[str] = mapped_column(sa.String(30), default="")

    user = relationship("User")
