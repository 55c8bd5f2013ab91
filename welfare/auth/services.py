"""Account writers: sign-in with throttling, creating and changing users."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import ROLES, User, utcnow
from welfare.errors import ServiceError
from welfare.extensions import db


def authenticate(username, password, max_failures=5, lock_minutes=15):
    """Return the user, or raise ServiceError; lock after repeated failures."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        raise ServiceError(_("Too many failed attempts. Try again in a few minutes."))
    if user is None or not user.check_password(password) or not user.is_active:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = now + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                audit.record("lockout", actor=user, entity=user, summary=user.username)
        raise ServiceError(_("The username or password is not right."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", actor=user, entity=user, summary=user.username)
    return user


def create_user(username, password, role, display_name="", phone="", villages=(), actor=None):
    """Create an account; usernames are unique and roles fixed."""
    username = username.strip()
    errors = []
    if role not in ROLES:
        errors.append(("role", _("Unknown role.")))
    if len(password) < 8:
        errors.append(("password", _("Use at least 8 characters.")))
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        errors.append(("username", _("That username is taken.")))
    if errors:
        raise ServiceError(*errors)
    user = User(username=username, role=role, display_name=display_name or username, phone=phone)
    user.set_password(password)
    user.villages = list(villages)
    db.session.add(user)
    db.session.flush()
    audit.record("create", actor=actor, entity=user,
                 summary=f"{username} ({role})", after={"username": username, "role": role})
    return user


def update_user(user, role, display_name, phone, villages, active, actor):
    """Change an account's role, name, villages or active flag."""
    if role not in ROLES:
        raise ServiceError(("role", _("Unknown role.")))
    if user.id == actor.id and (role != user.role or not active):
        raise ServiceError(_("You cannot change your own role or disable yourself."))
    fields = ("role", "display_name", "phone", "is_active_account")
    before = audit.snapshot(user, fields)
    before["villages"] = sorted(v.code for v in user.villages)
    user.role, user.display_name, user.phone = role, display_name, phone
    user.is_active_account = active
    user.villages = list(villages)
    after = audit.snapshot(user, fields)
    after["villages"] = sorted(v.code for v in user.villages)
    old, new = audit.changed(before, after)
    if new:
        audit.record("update", actor=actor, entity=user, summary=user.username,
                     before=old, after=new)
    return user


def set_password(user, password, actor):
    """Replace a password (admin reset or own change)."""
    if len(password) < 8:
        raise ServiceError(("password", _("Use at least 8 characters.")))
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("password", actor=actor, entity=user, summary=user.username)
