"""Migration 0028 rebuilds gift_round_entries on SQLite: the hold triggers of 0023 must come
back with it, and the goods CHECKs must hold on the migrated schema."""

import flask_migrate
import pytest
import sqlalchemy as sa

from config import TestConfig
from welfare import create_app
from welfare.extensions import db


def test_sqlite_keeps_the_hold_triggers_and_gains_the_checks(app, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL alters the table in place; its triggers are untouched")

    class Migrated(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrated.db'}"

    migrated = create_app(Migrated)
    with migrated.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            triggers = set(conn.scalars(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            tables = {t: conn.scalar(sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": t})
                for t in ("gift_rounds", "gift_round_entries")}
        flask_migrate.downgrade(revision="0027")
        with db.engine.connect() as conn:
            after_down = set(conn.scalars(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            columns = {c["name"] for c in sa.inspect(conn).get_columns("gift_round_entries")}
        db.engine.dispose()
    assert {"gift_payouts_not_held", "gift_round_entries_hold_unpaid"} <= triggers
    assert "ck_gift_rounds_goods" in tables["gift_rounds"]
    assert "ck_gift_round_entries_payment" in tables["gift_round_entries"]
    assert {"gift_payouts_not_held", "gift_round_entries_hold_unpaid"} <= after_down
    assert "quantity" not in columns
