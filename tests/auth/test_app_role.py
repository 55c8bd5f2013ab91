"""PostgreSQL: the audit log survives the app's database role (README, Deploy)."""

from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from config import TestConfig
from welfare import create_app
from welfare.auth import grants, services
from welfare.extensions import db as _db

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = "INSERT INTO audit_log (at, action, entity_type, summary, ip) " \
      "VALUES (now(), 'test', 'x', 's', '')"


@pytest.fixture
def postgres_url(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("roles and TRUNCATE need PostgreSQL (set TEST_DATABASE_URL)")
    return url


def test_emptying_the_audit_log_is_refused(db, is_postgres):
    db.session.execute(sa.text(ROW.replace("now()", "CURRENT_TIMESTAMP")))
    # SQLite has no TRUNCATE; its DELETE without WHERE (the "truncate optimisation") still
    # fires the row trigger.
    statements = ["DELETE FROM audit_log"] + (["TRUNCATE audit_log"] if is_postgres else [])
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(sa.text(statement))
    assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log")) >= 1


@pytest.fixture
def roles_database(postgres_url):
    """A fresh database owned by a schema-owner role, and a lesser app role; both named
    after this test database (roles are shared by the whole server)."""
    name = f"{postgres_url.database}_roles"
    owner, app_role = f"{postgres_url.database}_owner", f"{postgres_url.database}_app"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (owner, app_role):
                conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))

    drop()
    with admin.connect() as conn:
        for statement in grants.superuser_statements(name, owner, app_role):
            conn.execute(sa.text(statement))
    schema_admin = sa.create_engine(postgres_url.set(database=name), isolation_level="AUTOCOMMIT")
    with schema_admin.connect() as conn:
        for statement in grants.schema_statements(owner):
            conn.execute(sa.text(statement))
    schema_admin.dispose()
    urls = {role: postgres_url.set(database=name, username=role) for role in (owner, app_role)}
    yield urls, owner, app_role
    drop()
    admin.dispose()


def refused(conn, statement, match):
    with pytest.raises(DatabaseError, match=match):
        with conn.begin_nested():
            conn.execute(sa.text(statement))


def test_app_role_may_add_to_the_audit_log_but_not_change_it(roles_database):
    urls, owner, app_role = roles_database

    class AppRoleConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = urls[app_role].render_as_string(hide_password=False)
        MIGRATE_DATABASE_URL = urls[owner].render_as_string(hide_password=False)

    app = create_app(AppRoleConfig)
    with app.app_context():
        flask_migrate.upgrade()  # as the owner, through MIGRATE_DATABASE_URL
    owner_engine = sa.create_engine(urls[owner])
    with owner_engine.begin() as conn:
        assert conn.scalar(sa.text(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'")) == owner
        for statement in grants.grant_statements(owner, app_role):
            conn.execute(sa.text(statement))

    app_engine = sa.create_engine(urls[app_role])
    with app_engine.connect() as conn, conn.begin():
        conn.execute(sa.text(ROW))
        assert conn.scalar(sa.text("SELECT count(*) FROM audit_log")) == 1
        for statement in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log", "UPDATE alembic_version SET version_num = 'x'"):
            refused(conn, statement, "permission denied")
        refused(conn, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                "must be owner")
        refused(conn, "DROP TABLE audit_log", "must be owner")
        refused(conn, "CREATE TABLE app_made (id int)", "permission denied")
        # The fixture's way around the trigger is a superuser's setting, not the app's.
        refused(conn, "SET session_replication_role = replica", "permission denied")
        # Ordinary tables and their sequences: read and write.
        conn.execute(sa.text("INSERT INTO login_failures (at, username, address) "
                             "VALUES (now(), 'x', '192.0.2.1')"))
        conn.execute(sa.text("DELETE FROM login_failures"))

    # Even the owner cannot change or empty the log: the triggers refuse.
    with owner_engine.connect() as conn, conn.begin():
        for statement in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log"):
            refused(conn, statement, "append-only")
        # A table a later migration adds gets the app's grants by default.
        conn.execute(sa.text("CREATE TABLE later_table (id serial primary key, note text)"))
    with app_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO later_table (note) VALUES ('ok')"))

    # The app itself works as the lesser role: an account, a failed and a good sign-in.
    with app.app_context():
        services.create_user("role_clerk", "long enough 6", "staff")
        _db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "role_clerk", "password": "wrong one"})
        response = client.post("/login", data={"username": "role_clerk",
                                               "password": "long enough 6"})
        assert response.status_code == 302
        assert client.post("/logout").status_code == 302
        actions = _db.session.scalars(sa.text("SELECT action FROM audit_log ORDER BY id")).all()
        assert actions == ["test", "create", "login", "logout"]
        _db.session.remove()
        _db.engine.dispose()
    app_engine.dispose()
    owner_engine.dispose()


def test_readme_shows_the_grants():
    text = README.read_text(encoding="utf-8")
    statements = (grants.superuser_statements("welfare", "welfare_owner", "welfare_app")
                  + grants.schema_statements("welfare_owner")
                  + grants.grant_statements("welfare_owner", "welfare_app"))
    missing = [s for s in statements if f"{s};" not in text]
    assert missing == []
