"""Read-only selects for accounts, the audit log and the home page."""

from datetime import timedelta

import sqlalchemy as sa

from welfare.auth.models import AuditLog, User, utcnow
from welfare.extensions import db


def audit_page(filters, page, per_page):
    stmt = sa.select(AuditLog).order_by(AuditLog.id.desc())
    if filters.get("user"):
        stmt = stmt.join(User, AuditLog.user_id == User.id).where(User.username == filters["user"])
    if filters.get("entity_type"):
        stmt = stmt.where(AuditLog.entity_type == filters["entity_type"])
    if filters.get("entity_id", "").isdigit():
        stmt = stmt.where(AuditLog.entity_id == int(filters["entity_id"]))
    if filters.get("action"):
        stmt = stmt.where(AuditLog.action == filters["action"])
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def history_for(entity_type, entity_id, limit=50):
    """The change history of one record, newest first."""
    stmt = (
        sa.select(AuditLog)
        .where(AuditLog.entity_type == entity_type, AuditLog.entity_id == entity_id)
        .order_by(AuditLog.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


# Functions (user) -> {name: count} for the office home page, handed over by the domains
# above auth when they are imported (roster's headline numbers), so auth imports none of them.
HOME_COUNTS = []


def home_summary(user):
    """Counts for the office home page; other roles see their own work."""
    if not user.is_office:
        return {}
    summary = {}
    for counts in HOME_COUNTS:
        summary.update(counts(user))
    since = utcnow() - timedelta(days=1)
    summary["audit_today"] = db.session.scalar(
        sa.select(sa.func.count(AuditLog.id)).where(AuditLog.at >= since)
    )
    return summary
