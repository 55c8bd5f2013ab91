"""Volunteers, assignments, contact rules, visit records, alerts, sweeps, API tokens."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.roster.models import EmergencyContact, IsolatedElder, Person, elders_in
from welfare.visits.rules import ALERT_REASONS, KINDS, OUTCOMES, SWEEP_STATES

POSITION_WHOLE = "(lat IS NULL) = (lng IS NULL)"

volunteer_villages = sa.Table(
    "volunteer_villages",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteers.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("village_id", sa.ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True),
    info={"domain": "visits"},
)

sweep_villages = sa.Table(
    "sweep_villages",
    db.metadata,
    sa.Column("sweep_id", sa.ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("village_id", sa.ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True),
    info={"domain": "visits"},
)


class Volunteer(db.Model):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    care_point: Mapped[str] = mapped_column(sa.String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")
    villages = relationship("Village", secondary=volunteer_villages, lazy="selectin")

    def __repr__(self):
        return f"<Volunteer {self.id} {self.name}>"


class Assignment(db.Model):
    """Who visits an elder: one primary volunteer and an optional backup."""

    __tablename__ = "visit_assignments"
    __table_args__ = (
        sa.CheckConstraint("backup_id IS NULL OR backup_id <> primary_id", name="distinct"),
    )

    elder_id: Mapped[int] = mapped_column(
        sa.ForeignKey("isolated_elders.id", ondelete="CASCADE"), primary_key=True
    )
    primary_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    backup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    elder = relationship("IsolatedElder", lazy="joined")
    primary = relationship("Volunteer", foreign_keys=[primary_id], lazy="joined")
    backup = relationship("Volunteer", foreign_keys=[backup_id], lazy="joined")


class ContactRule(db.Model):
    """Minimum contact for a care level; editable by staff, seeded from DOMAIN.md."""

    __tablename__ = "contact_rules"
    __table_args__ = (sa.CheckConstraint("care_level BETWEEN 1 AND 4", name="care_level"),
                      sa.CheckConstraint("interval_days > 0", name="interval"))

    care_level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    interval_days: Mapped[int]
    contacts_per_month: Mapped[int] = mapped_column(default=1)
    counted_kinds: Mapped[list] = mapped_column(sa.JSON)
    in_person_every_days: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_(KINDS), name="kind"),
        sa.CheckConstraint(sa.column("outcome").in_(OUTCOMES), name="outcome"),
        sa.CheckConstraint("duration_minutes >= 0 AND duration_minutes <= 1440", name="duration"),
        # Half a position cannot be drawn on a map (and broke the elder page).
        sa.CheckConstraint(POSITION_WHOLE, name="position_whole"),
        sa.Index("ix_visits_elder_time", "elder_id", "visited_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the phone: the same record sent twice is stored once.
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    elder_id: Mapped[int] = mapped_column(sa.ForeignKey("isolated_elders.id"))
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    visited_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=0)
    assessment: Mapped[dict | None] = mapped_column(sa.JSON)
    needs: Mapped[list | None] = mapped_column(sa.JSON)
    referral: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    photo: Mapped[str] = mapped_column(sa.String(80), default="")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    gps_accuracy: Mapped[float | None]
    sweep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sweeps.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    elder = relationship("IsolatedElder", lazy="joined")
    volunteer = relationship("Volunteer")
    recorded_by = relationship("User")


class Alert(db.Model):
    """Something a person must follow up by a deadline; closed with an outcome."""

    __tablename__ = "visit_alerts"
    __table_args__ = (
        sa.CheckConstraint(sa.column("reason").in_(ALERT_REASONS), name="reason"),
        sa.Index("ix_visit_alerts_open", "closed_at", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(sa.ForeignKey("isolated_elders.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"))
    reason: Mapped[str] = mapped_column(sa.String(20))
    step: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    close_outcome: Mapped[str] = mapped_column(sa.String(30), default="")
    close_notes: Mapped[str] = mapped_column(sa.Text, default="")
    register_changed: Mapped[bool] = mapped_column(default=False)

    elder = relationship("IsolatedElder", lazy="joined")
    visit = relationship("Visit")
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    events = relationship("AlertEvent", back_populates="alert", order_by="AlertEvent.id",
                          cascade="all, delete-orphan")

    @property
    def is_open(self):
        return self.closed_at is None


class AlertEvent(db.Model):
    __tablename__ = "visit_alert_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_alerts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(20))
    step: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    alert = relationship("Alert", back_populates="events")
    user = relationship("User")


class Sweep(db.Model):
    """An emergency safety check of every elder in some villages (typhoon, heat wave)."""

    __tablename__ = "sweeps"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]

    villages = relationship("Village", secondary=sweep_villages, lazy="selectin")
    checks = relationship("SweepCheck", back_populates="sweep", cascade="all, delete-orphan")


class SweepCheck(db.Model):
    __tablename__ = "sweep_checks"
    __table_args__ = (
        sa.UniqueConstraint("sweep_id", "elder_id", name="uq_sweep_checks_elder"),
        sa.CheckConstraint(sa.column("state").in_(SWEEP_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sweep_id: Mapped[int] = mapped_column(sa.ForeignKey("sweeps.id", ondelete="CASCADE"))
    elder_id: Mapped[int] = mapped_column(sa.ForeignKey("isolated_elders.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visits.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    sweep = relationship("Sweep", back_populates="checks")
    elder = relationship("IsolatedElder", lazy="joined")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user = relationship("User", lazy="joined")


def assigned_to(user_id):
    """The elders a volunteer's account visits, as primary or backup."""
    mine = sa.select(Volunteer.id).where(Volunteer.user_id == user_id)
    return sa.select(Assignment.elder_id).where(
        sa.or_(Assignment.primary_id.in_(mine), Assignment.backup_id.in_(mine)))


def _by_elder(column):
    return {"villages": lambda ids: column.in_(elders_in(ids)),
            "volunteer": lambda uid: column.in_(assigned_to(uid))}


scope.narrow(Person, volunteer=lambda uid: Person.id.in_(
    sa.select(IsolatedElder.person_id).where(IsolatedElder.id.in_(assigned_to(uid)))))
scope.narrow(IsolatedElder, volunteer=lambda uid: IsolatedElder.id.in_(assigned_to(uid)))
scope.narrow(EmergencyContact, **_by_elder(EmergencyContact.elder_id))
for _model in (Assignment, Visit, Alert, SweepCheck):
    scope.narrow(_model, **_by_elder(_model.elder_id))
scope.narrow(AlertEvent, villages=lambda ids: AlertEvent.alert_id.in_(
    sa.select(Alert.id).where(Alert.elder_id.in_(elders_in(ids)))),
             volunteer=lambda uid: AlertEvent.alert_id.in_(
    sa.select(Alert.id).where(Alert.elder_id.in_(assigned_to(uid)))))
