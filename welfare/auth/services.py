"""Account writers: sign-in with throttling, creating and changing users."""

import functools
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from welfare.auth import audit, throttle
from welfare.auth.models import ROLES, User, new_session_nonce, utcnow
from welfare.auth.signals import credentials_changed
from welfare.errors import ServiceError
from welfare.extensions import db


@functools.cache
def dummy_password_hash():
    """A hash of a random password, made like real ones (same method and cost)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def password_matches(user, password):
    """Check a password; with no such user, check a dummy hash so both take as long."""
    if user is None:
        check_password_hash(dummy_password_hash(), password)
        return False
    return user.check_password(password)


def authenticate(username, password, max_failures=5, lock_minutes=15, address=None, now=None,
                 address_max_failures=None):
    """Return the user, or raise ServiceError. Unknown names, wrong passwords and disabled
    accounts get the same answer; failures are throttled per name and address and per
    address, the same for names that do not exist."""
    now = now or utcnow()
    address = audit.request_ip() if address is None else address
    if address_max_failures is None:
        address_max_failures = current_app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    name = username.strip()
    if throttle.is_throttled(name, address, now, max_failures, lock_minutes,
                             address_max_failures):
        raise ServiceError(_("Too many failed attempts. Try again in a few minutes."))
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if not password_matches(user, password) or not user.is_active:
        if throttle.record_failure(name, address, now, lock_minutes, max_failures):
            audit.record("lockout", actor=user, entity=user, entity_type="users",
                         summary=f"{throttle.name_key(name)} @ {address}")
        raise ServiceError(_("The username or password is not right."))
    throttle.forget_pair(name, address)
    user.last_login_at = now
    audit.record("login", actor=user, entity=user, summary=user.username)
    return user


def end_sessions(user):
    """Every browser signed in to this account is signed out at its next request."""
    user.session_nonce = new_session_nonce()


def sign_out(user):
    """Sign-out ends the session on the server: a copied cookie stops working too."""
    end_sessions(user)
    audit.record("logout", actor=user, entity=user, summary=user.username)


def _end_credentials(user, actor):
    end_sessions(user)
    credentials_changed.send(user, actor=actor, now=utcnow())


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
    if not active and before["is_active_account"]:
        _end_credentials(user, actor)
    elif "role" in new or "villages" in new:
        end_sessions(user)
    if new:
        audit.record("update", actor=actor, entity=user, summary=user.username,
                     before=old, after=new)
    return user


def set_password(user, password, actor):
    """Replace a password (admin reset or own change): ends the account's other sessions
    and API tokens, and clears its failed sign-ins."""
    if len(password) < 8:
        raise ServiceError(("password", _("Use at least 8 characters.")))
    user.set_password(password)
    throttle.forget_name(user.username)
    _end_credentials(user, actor)
    audit.record("password", actor=actor, entity=user, summary=user.username)
