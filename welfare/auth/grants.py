"""SQL for running the app as a role that cannot change the schema or the audit log.

The schema owner runs migrations (MIGRATE_DATABASE_URL); the app's role (DATABASE_URL) may
read and write ordinary tables, but only add to and read audit_log."""

import re

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _checked(*names):
    for name in names:
        if not IDENTIFIER.match(name):
            raise ValueError(f"not a plain lower-case SQL name: {name!r}")


def superuser_statements(database, owner, app_role):
    """Once, as a superuser: the two roles and a database the owner owns (passwords are
    set separately)."""
    _checked(database, owner, app_role)
    return [f"CREATE ROLE {owner} LOGIN",
            f"CREATE ROLE {app_role} LOGIN",
            f"CREATE DATABASE {database} OWNER {owner}"]


def schema_statements(owner):
    """As a superuser, connected to the new database: only the owner creates tables."""
    _checked(owner)
    return ["REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            f"ALTER SCHEMA public OWNER TO {owner}"]


def grant_statements(owner, app_role):
    """As the owner, after each `flask db upgrade` (they can be run again safely)."""
    _checked(owner, app_role)
    default = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT"
    return [
        f"GRANT USAGE ON SCHEMA public TO {app_role}",
        f"{default} SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role}",
        f"{default} USAGE ON SEQUENCES TO {app_role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {app_role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {app_role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {app_role}",
    ]
