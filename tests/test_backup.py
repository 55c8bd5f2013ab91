"""`flask backup` and `flask restore`: a demo database survives the round trip unchanged."""

import os
import random
from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa

from config import TestConfig, normalise_database_url
from welfare import create_app
from welfare.auth.models import AuditLog
from welfare.demo.cli import SeedContext, seed_all
from welfare.extensions import db


@pytest.fixture
def database_urls(tmp_path):
    """Two empty databases of our own: (source URL, target URL)."""
    base = normalise_database_url(os.environ.get("TEST_DATABASE_URL"))
    if not base:
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = sa.engine.make_url(base)
    names = [f"{url.database}_backup_source", f"{url.database}_backup_restored"]
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(url.set(database=n).render_as_string(hide_password=False) for n in names)
    finally:
        drop()
        admin.dispose()


def _app(database_url):
    class BackupConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    return create_app(BackupConfig)


def _snapshot(app):
    """Every table's row count, and every audit row in order."""
    with app.app_context():
        tables = sorted(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            counts = {t: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
                      for t in tables}
            audit = [tuple(row) for row in conn.execute(
                sa.select(AuditLog.__table__).order_by(AuditLog.id))] if tables else []
        db.session.remove()
        db.engine.dispose()
    return counts, audit


def test_backup_then_restore_into_a_fresh_database(database_urls, tmp_path):
    source_url, target_url = database_urls
    source = _app(source_url)
    with source.app_context():
        flask_migrate.upgrade()
        seed_all(SeedContext(rng=random.Random(5), today=date.today(), people=120,
                             password="backup-demo-1", echo=lambda *a, **k: None))
        db.session.commit()
        db.session.remove()
    backup = tmp_path / "welfare.backup"
    result = source.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0 and not list(tmp_path.glob("*.partial"))
    before = _snapshot(source)
    counts, audit = before
    assert counts["people"] >= 100 and counts["gift_payouts"] > 0 and len(audit) > 10

    target = _app(target_url)
    runner = target.test_cli_runner()
    declined = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert declined.exit_code != 0 and "Aborted" in declined.output
    assert _snapshot(target) == ({}, [])

    restored = runner.invoke(args=["restore", str(backup)], input="y\n")
    assert restored.exit_code == 0, restored.output
    assert _snapshot(target) == before

    again = runner.invoke(args=["restore", "--yes", str(backup)])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(args=["restore", "--yes", "--force", str(backup)])
    assert forced.exit_code == 0, forced.output
    assert _snapshot(target) == before

    with target.app_context():
        # The append-only trigger came back, and new rows continue the numbering.
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.update(AuditLog).values(summary="changed"))
        db.session.add(AuditLog(action="restored", entity_type="backup"))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.max(AuditLog.id))) == audit[-1][0] + 1
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(database_urls, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database", encoding="utf-8")
    target = _app(database_urls[1])
    result = target.test_cli_runner().invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
    assert "failed" in result.output or "not" in result.output
    with target.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_backup_refuses_a_missing_sqlite_file(tmp_path):
    source = _app(f"sqlite:///{tmp_path / 'never-created.db'}")
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "out.db")])
    assert result.exit_code != 0 and "nothing to back up" in result.output
    assert not (tmp_path / "out.db").exists() and not (tmp_path / "never-created.db").exists()
