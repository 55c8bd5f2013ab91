"""What changes a frozen roster after its freeze, kept beside it: households added on a
supplementary list (with the reason), and holds lifted (who, when, why)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.rounds.models import HOLDS, RoundEntry


class SupplementaryHousehold(db.Model):
    """A household added to a household round after the freeze, and why."""

    __tablename__ = "gift_round_supplements"
    __table_args__ = (
        sa.CheckConstraint("batch >= 1", name="batch"),
        sa.CheckConstraint("trim(reason) <> ''", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("gift_round_entries.id", ondelete="CASCADE"), unique=True)
    batch: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(300))
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry = relationship("RoundEntry")
    added_by = relationship("User")


class HoldLift(db.Model):
    """A hold taken off an entry (the register's change was wrong): the hold as it was, the
    supervisor who lifted it and why. Inserting the row is what lifts the hold."""

    __tablename__ = "gift_round_hold_lifts"
    __table_args__ = (
        sa.CheckConstraint(sa.column("hold").in_(HOLDS), name="hold"),
        sa.CheckConstraint("trim(reason) <> ''", name="reason"),
        sa.Index("ix_gift_round_hold_lifts_entry", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("gift_round_entries.id", ondelete="CASCADE"))
    hold: Mapped[str] = mapped_column(sa.String(20))
    hold_on: Mapped[date | None]
    hold_note: Mapped[str] = mapped_column(sa.String(200), default="")
    reason: Mapped[str] = mapped_column(sa.String(300))
    lifted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    lifted_at: Mapped[datetime] = mapped_column(default=utcnow)

    lifted_by = relationship("User", lazy="joined")


# The database lifts: a lift row clears its entry's hold in the same statement, only if the
# entry is still held (two supervisors lifting at once: the second finds nothing to lift),
# and only a supervisor may lift. Migration 0029 adds the same statements.
LIFT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION gift_hold_lift_apply() RETURNS trigger AS $$
           BEGIN
             IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.lifted_by_id
                            AND role = 'supervisor') THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_hold_lifts_supervisor',
                 MESSAGE = 'gift_hold_lifts_supervisor: only a supervisor lifts a hold';
             END IF;
             UPDATE gift_round_entries SET hold = NULL, hold_on = NULL, hold_note = ''
               WHERE id = NEW.entry_id AND hold IS NOT NULL AND hold = NEW.hold;
             IF NOT FOUND THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_hold_lifts_held',
                 MESSAGE = 'gift_hold_lifts_held: entry ' || NEW.entry_id || ' is not held';
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_hold_lifts_apply ON gift_round_hold_lifts",
        """CREATE TRIGGER gift_hold_lifts_apply BEFORE INSERT ON gift_round_hold_lifts
           FOR EACH ROW EXECUTE FUNCTION gift_hold_lift_apply()""",
    ],
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_supervisor
           BEFORE INSERT ON gift_round_hold_lifts
           WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.lifted_by_id
                            AND role = 'supervisor')
           BEGIN SELECT RAISE(ABORT, 'gift_hold_lifts_supervisor: only a supervisor'); END""",
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_held
           BEFORE INSERT ON gift_round_hold_lifts
           WHEN NOT EXISTS (SELECT 1 FROM gift_round_entries WHERE id = NEW.entry_id
                            AND hold = NEW.hold)
           BEGIN SELECT RAISE(ABORT, 'gift_hold_lifts_held: the entry is not held'); END""",
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_apply
           AFTER INSERT ON gift_round_hold_lifts
           BEGIN UPDATE gift_round_entries SET hold = NULL, hold_on = NULL, hold_note = ''
             WHERE id = NEW.entry_id; END""",
    ],
}
# An approved supplementary list does not grow: a household is added to a list awaiting
# approval (supplements._open_batch locks it, so an approval waits for the addition).
OPEN_BATCH_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION gift_entry_open_batch() RETURNS trigger AS $$
           BEGIN
             IF EXISTS (SELECT 1 FROM gift_round_batches WHERE round_id = NEW.round_id
                        AND number = NEW.batch AND approved_at IS NOT NULL) THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_round_entries_open_batch',
                 MESSAGE = 'gift_round_entries_open_batch: list ' || NEW.batch || ' is approved';
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_round_entries_open_batch ON gift_round_entries",
        """CREATE TRIGGER gift_round_entries_open_batch BEFORE INSERT ON gift_round_entries
           FOR EACH ROW WHEN (NEW.batch > 0) EXECUTE FUNCTION gift_entry_open_batch()""",
    ],
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS gift_round_entries_open_batch
           BEFORE INSERT ON gift_round_entries
           WHEN NEW.batch > 0 AND EXISTS (SELECT 1 FROM gift_round_batches
             WHERE round_id = NEW.round_id AND number = NEW.batch AND approved_at IS NOT NULL)
           BEGIN SELECT RAISE(ABORT, 'gift_round_entries_open_batch: the list is approved');
           END""",
    ],
}
for _table, _triggers in ((HoldLift.__table__, LIFT_TRIGGERS),
                          (SupplementaryHousehold.__table__, OPEN_BATCH_TRIGGERS)):
    for _dialect, _statements in _triggers.items():
        for _sql in _statements:
            event.listen(_table, "after_create", DDL(_sql).execute_if(dialect=_dialect))

_in_villages = lambda ids: sa.select(RoundEntry.id).where(RoundEntry.village_id.in_(ids))  # noqa: E731
scope.narrow(SupplementaryHousehold,
             villages=lambda ids: SupplementaryHousehold.entry_id.in_(_in_villages(ids)))
scope.narrow(HoldLift, villages=lambda ids: HoldLift.entry_id.in_(_in_villages(ids)))
