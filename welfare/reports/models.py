"""Stored roster counts: one snapshot per as-of day, counted by `snapshots.refresh`.

The dashboard reads a few thousand grouped cells here instead of scanning the people
table; each snapshot keeps when it was counted and the last audit-log row it had seen,
so that a roster change made through the application since then can be noticed."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from welfare.auth.models import utcnow
from welfare.extensions import db


class ReportSnapshot(db.Model):
    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(unique=True)
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The newest audit_log id when counting began: roster changes logged after it are news.
    audit_id: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)
    people: Mapped[int] = mapped_column(default=0)
    # Set when a background recount of this day was started, cleared when it is stored.
    recount_requested_at: Mapped[datetime | None]


class SnapshotCell:
    """A row of one snapshot, deleted with it."""

    id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def snapshot_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("report_snapshots.id", ondelete="CASCADE"),
                             index=True)


class ReportPeopleCount(SnapshotCell, db.Model):
    """People on the roster on the snapshot's day in one village, age band, sex,
    low-income kind (None: neither) and isolated-elder care level (None: not one)."""

    __tablename__ = "report_people_counts"

    village_id: Mapped[int]
    band: Mapped[str] = mapped_column(sa.String(10))
    sex: Mapped[str] = mapped_column(sa.String(1))
    kind: Mapped[str | None] = mapped_column(sa.String(10))
    care_level: Mapped[int | None]
    people: Mapped[int]


class ReportHouseholdCount(SnapshotCell, db.Model):
    """Households in one village with a low-income status of one kind current that day."""

    __tablename__ = "report_household_counts"

    village_id: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(10))
    households: Mapped[int]


class ReportElder(SnapshotCell, db.Model):
    """An isolated elder active and on the roster on the snapshot's day, with the village
    and care level the visit-coverage figures group by."""

    __tablename__ = "report_elders"

    elder_id: Mapped[int]
    village_id: Mapped[int]
    care_level: Mapped[int]
