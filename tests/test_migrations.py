"""The schema comes from migrations: they must build exactly what the models describe."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import TestConfig
from welfare import create_app
from welfare.extensions import db


def _fresh_database_url(app, tmp_path):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _for_dialect(dialect):
    """Leave out of the comparison what the models create on another database only
    (`Index(...).ddl_if(dialect=...)`, which Alembic does not read)."""
    def include(obj, name, type_, reflected, compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect in (None, dialect)
    return include


def test_migrations_build_the_models_schema(app, tmp_path):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = _fresh_database_url(app, tmp_path)

    migrated = create_app(MigratedConfig)
    with migrated.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": False, "include_object": _for_dialect(conn.dialect.name)})
            diffs = compare_metadata(context, db.metadata)
            villages = conn.scalar(sa.text("select count(*) from villages"))
        assert diffs == []
        assert villages == 24
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            assert "people" not in sa.inspect(conn).get_table_names()
        db.engine.dispose()
