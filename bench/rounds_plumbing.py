"""The app as `bench/rounds_payouts.py --plumbing lean` serves it: the payout path without
the connection pool's pre-ping (a `SELECT 1` round trip before each request's first query),
to measure what that costs before anyone changes config.py. Not used by the app itself.

(An earlier version also loaded the signed-in user with its villages in one query; the app
does that itself since f7b39ff.)"""

from config import Config


class LeanConfig(Config):
    SQLALCHEMY_ENGINE_OPTIONS = {}


def create_app():
    from welfare import create_app as create

    return create(LeanConfig)
