"""A background job and its progress."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth.models import utcnow
from welfare.extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (sa.CheckConstraint(sa.column("status").in_(JOB_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="queued", index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(300), default="")
    result_path: Mapped[str] = mapped_column(sa.String(300), default="")
    result_name: Mapped[str] = mapped_column(sa.String(120), default="")
    return_url: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # What runs it (run again starts the same function with the same arguments), which
    # attempt this is, the process running it ("host:pid") and when that process last
    # said it was alive: a running job whose heartbeat stops is failed by jobs.recovery.
    func_path: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    args: Mapped[str] = mapped_column(sa.Text, default="[]", server_default="[]")
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    worker: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    heartbeat_at: Mapped[datetime | None]

    created_by = relationship("User")

    @property
    def percent(self):
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def rq_id(self):
        """The RQ job id of this attempt."""
        return f"welfare-job-{self.id}-{self.attempt}"

    @property
    def finished(self):
        return self.status in ("done", "failed")
