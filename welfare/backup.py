"""`flask backup PATH` and `flask restore PATH`: the whole database to one file and back.

SQLite copies pages with the online backup API (safe while the app is running);
PostgreSQL uses pg_dump's custom format and pg_restore, whose versions must not be older
than the server's (PG_DUMP and PG_RESTORE name the binaries, default from PATH)."""

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from welfare.extensions import db

# Tables that `flask db upgrade` fills by itself: a database holding only these is empty.
REFERENCE_TABLES = {"alembic_version", "villages", "low_income_categories"}


def database_url():
    # The engine's URL: Flask-SQLAlchemy has already made relative SQLite paths absolute.
    return db.engine.url


def sqlite_path(url, must_exist=False):
    if not url.database or url.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database cannot be backed up")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise click.ClickException(f"{path} does not exist: there is nothing to back up")
    return path


def rows_outside_reference(engine):
    """How many rows the database holds beyond what the migrations write."""
    tables = [t for t in sa.inspect(engine).get_table_names() if t not in REFERENCE_TABLES]
    with engine.connect() as conn:
        return sum(conn.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
                   for t in tables)


def libpq_target(url):
    """(connection URL without the password, environment with PGPASSWORD) for pg_* tools."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _major(version_text):
    """15 from 'pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'."""
    found = re.search(r"PostgreSQL\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    return int(found.group(1)) if found else None


def check_client_version(binary):
    """Refuse a pg_dump/pg_restore older than the server (it would fail half-way)."""
    try:
        output = subprocess.run([binary, "--version"], capture_output=True, text=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(
            f"{binary} not found or not working ({exc}); install postgresql-client "
            "matching the server, or set PG_DUMP / PG_RESTORE") from exc
    client = _major(output)
    with db.engine.connect() as conn:
        server = int(conn.scalar(sa.text("SHOW server_version_num"))) // 10000
    if client is not None and client < server:
        raise click.ClickException(
            f"{binary} is version {client} but the server is {server}; install a "
            f"postgresql-client of version {server} or newer")


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(f"{command[0]} failed: {result.stderr.strip()}")


def backup_database(path):
    """Write the configured database to `path` (replaced only once the copy is complete)."""
    url = database_url()
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(sqlite3.connect(sqlite_path(url, must_exist=True)), partial)
    else:
        binary = current_app.config.get("PG_DUMP") or "pg_dump"
        check_client_version(binary)
        target_url, env = libpq_target(url)
        _run([binary, "--format=custom", "--file", str(partial), "--dbname", target_url], env)
    os.replace(partial, path)
    return path


def _sqlite_copy(source, target_path):
    """Copy the open SQLite database `source` into the file at `target_path` with the online
    backup API (consistent while others write, WAL included); closes both."""
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _check_sqlite_backup(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise click.ClickException(f"{path} is damaged (quick_check failed)")
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'")
        if found.fetchone() is None:
            raise click.ClickException(f"{path} is not a backup of this application")
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is not an SQLite backup: {exc}") from exc
    finally:
        conn.close()


def restore_database(path, force=False):
    """Replace the configured database with the backup at `path`."""
    url = database_url()
    path = Path(path)
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist")
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite:
        _check_sqlite_backup(path)
    in_use = rows_outside_reference(db.engine)
    if in_use and not force:
        raise click.ClickException(
            f"the database already holds {in_use} rows; restore over it only with --force")
    db.session.remove()
    db.engine.dispose()
    if sqlite:
        _sqlite_copy(sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite_path(url))
    else:
        binary = current_app.config.get("PG_RESTORE") or "pg_restore"
        check_client_version(binary)
        target_url, env = libpq_target(url)
        _run([binary, "--list", str(path)], env)  # a readable custom-format archive
        _run([binary, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", target_url, str(path)], env)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Copy the whole database to PATH (SQLite file or pg_dump custom format)."""
    written = backup_database(path)
    click.echo(f"backup written to {written} ({written.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Restore even over a database that holds data.")
@with_appcontext
def restore_command(path, yes, force):
    """Replace the configured database with the backup at PATH."""
    target = database_url().render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Replace every table of {target} with {path}?", abort=True)
    restore_database(path, force=force)
    click.echo(f"restored {path} into {target}")
