"""The app as `bench/rounds_payouts.py --plumbing lean` serves it: the payout path with the
changes to the shared request plumbing that bench/README.md asks for, to measure them
before they are made. Not used by the app itself.

- no pool pre-ping: a `SELECT 1` round trip before every request's first query;
- the signed-in user loaded with its villages in one query instead of two."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from config import Config


class LeanConfig(Config):
    SQLALCHEMY_ENGINE_OPTIONS = {}


def create_app():
    from welfare import create_app as create
    from welfare.auth.models import User
    from welfare.extensions import db, login_manager

    app = create(LeanConfig)

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.execute(
            sa.select(User).options(joinedload(User.villages)).where(User.id == int(user_id))
        ).unique().scalar_one_or_none()
        return user if user is not None and user.is_active else None

    return app
