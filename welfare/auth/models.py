"""Accounts, roles, failed sign-ins and the audit log."""

import secrets
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from welfare.auth import scope
from welfare.extensions import db

ROLES = ("admin", "staff", "supervisor", "volunteer", "serviceman")
OFFICE_ROLES = ("admin", "staff", "supervisor")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_nonce():
    """A fresh random value; changing it ends every session signed with the old one."""
    return secrets.token_urlsafe(16)


user_villages = sa.Table(
    "user_villages",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("village_id", sa.ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_session_nonce)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    villages = relationship("Village", secondary=user_villages, lazy="selectin")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        # Flask-Login keeps this in the signed session; the nonce makes a copied cookie
        # useless once the nonce changes (sign-out, password change, deactivation).
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self):
        return self.is_active_account

    @property
    def is_authenticated(self):
        # Flask-Login's default reads is_active, which after a commit reloads the row
        # (and its villages) just to set response headers; load_user already refuses
        # disabled accounts, so a loaded user is authenticated.
        return True

    @property
    def is_office(self):
        return self.role in OFFICE_ROLES

    def has_role(self, *roles):
        return self.role in roles

    @property
    def village_ids(self):
        """Villages this account is limited to; empty means all."""
        return {v.id for v in self.villages}

    def __repr__(self):
        return f"<User {self.username} {self.role}>"


class AuditLog(db.Model):
    """Append-only: database triggers refuse updates and deletes."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(30), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(40), default="")
    entity_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    # The village of the person the row is about, so village-limited staff see only theirs.
    village_id: Mapped[int | None] = mapped_column(index=True)

    user = relationship("User", lazy="joined")


class LoginFailure(db.Model):
    """One failed sign-in: the name typed (known or not) and the client's address."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_address_at", "address", "at"),
                      sa.Index("ix_login_failures_name_address", "username", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(45))


class OfficeHoliday(db.Model):
    """A weekday the office is closed (a national holiday or its observed day), kept by the
    admin from the government office calendar; working-day counts skip it."""

    __tablename__ = "office_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _audit_rows_in(ids):
    """Rows about a person of these villages, and rows about no person at all. A row about a
    people-derived record whose village was not written stays with the unrestricted."""
    people_tables = sorted({m.__tablename__ for m in scope.scoped_models()} - {"audit_log"})
    return sa.or_(AuditLog.village_id.in_(ids), sa.and_(
        AuditLog.village_id.is_(None), AuditLog.entity_type.not_in(people_tables)))


scope.narrow(AuditLog, villages=_audit_rows_in,
             volunteer=lambda _uid: AuditLog.village_id.in_(()),
             serviceman=lambda _uid: AuditLog.village_id.in_(()))


AUDIT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_log_immutable() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
        """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
           FOR EACH ROW EXECUTE FUNCTION audit_log_immutable()""",
    ],
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    ],
}

# TRUNCATE skips row triggers, so PostgreSQL needs a statement trigger as well. (SQLite
# has no TRUNCATE; its DELETE without WHERE still fires the row trigger above.) Kept apart
# from AUDIT_TRIGGERS, which migration 0001 runs; migration 0010 adds this one.
AUDIT_TRUNCATE_TRIGGERS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
        """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
           FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable()""",
    ],
}

for _dialect in AUDIT_TRIGGERS:
    for _sql in AUDIT_TRIGGERS[_dialect] + AUDIT_TRUNCATE_TRIGGERS.get(_dialect, []):
        event.listen(AuditLog.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
