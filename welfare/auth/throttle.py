"""Failed sign-ins, counted per (name, address) pair and per address.

Counting by the name typed, not the account, treats unknown names exactly like known ones;
counting per address means a stranger elsewhere cannot keep someone's account locked."""

from datetime import timedelta

import sqlalchemy as sa

from welfare.auth.models import LoginFailure
from welfare.auth.rules import sign_in_throttled
from welfare.extensions import db


def name_key(username):
    """The name as counted: trimmed, case-folded, at most the column's length."""
    return username.strip().lower()[:64]


def recent_failures(username, address, now, window_minutes):
    """(failures of this name from this address, failures from this address) lately."""
    key = name_key(username)
    since = now - timedelta(minutes=window_minutes)
    row = db.session.execute(
        sa.select(sa.func.count(sa.case((LoginFailure.username == key, 1))), sa.func.count())
        .where(LoginFailure.address == address, LoginFailure.at > since)
    ).one()
    return row[0], row[1]


def is_throttled(username, address, now, max_failures, window_minutes, address_max_failures):
    """True when this name from this address, or this address overall, failed too often."""
    pair, from_address = recent_failures(username, address, now, window_minutes)
    return sign_in_throttled(pair, from_address, max_failures, address_max_failures)


def record_failure(username, address, now, window_minutes, max_failures):
    """Count one failure (and forget ones older than the window); True if it locks the pair."""
    key = name_key(username)
    db.session.execute(sa.delete(LoginFailure)
                       .where(LoginFailure.at <= now - timedelta(minutes=window_minutes)))
    db.session.add(LoginFailure(username=key, address=address[:45], at=now))
    db.session.flush()
    pair, _from_address = recent_failures(username, address, now, window_minutes)
    return pair == max_failures


def forget_pair(username, address):
    """A successful sign-in clears this name's failures from this address only."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == name_key(username),
                                                     LoginFailure.address == address))


def forget_name(username):
    """An administrator's password reset unlocks the name from every address."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == name_key(username)))
