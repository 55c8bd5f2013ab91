"""API bearer tokens: issued after a password check, stored as SHA-256, expiring."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from welfare.auth import audit
from welfare.auth.models import User, utcnow
from welfare.auth.signals import credentials_changed
from welfare.extensions import db
from welfare.visits.models import ApiToken


def digest(raw):
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user, days, now=None):
    """A new random token for the user; only its hash is kept."""
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(token_hash=digest(raw), user_id=user.id, created_at=now,
                            expires_at=now + timedelta(days=days)))
    audit.record("issue_token", actor=user, entity=user, summary=user.username)
    return raw


def is_live(token, now):
    """A token (ORM object or row) that is neither revoked nor expired."""
    return token is not None and token.revoked_at is None and token.expires_at > now


def needs_touch(token, now):
    """Touch last_used_at at most once a minute: writes on every call would serialise busy
    clients."""
    return token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1)


def user_for_token(raw, now=None):
    """The active user a live token belongs to, or None."""
    if not raw:
        return None
    now = now or utcnow()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(raw))
                              .options(sa.orm.joinedload(ApiToken.user)
                                       .lazyload(User.villages)))
    if not is_live(token, now) or not token.user.is_active:
        return None
    if needs_touch(token, now):
        token.last_used_at = now
    return token.user


def revoke_token(raw, now=None):
    """Sign-out on the phone: the token stops working."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit.record("revoke_token", actor=token.user, entity=token.user,
                     summary=token.user.username)
    return token


@credentials_changed.connect
def revoke_user_tokens(user, actor=None, now=None, **_extra):
    """A password change or a disabled account: every phone must sign in again."""
    result = db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()))
    if result.rowcount:
        audit.record("revoke_token", actor=actor, entity=user,
                     summary=f"{user.username} ({result.rowcount})")
    return result.rowcount
