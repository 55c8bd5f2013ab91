"""SQLite as the embedded database of one host: WAL, a busy timeout, and write transactions
that wait their turn instead of failing with "database is locked".

pysqlite's own transaction handling is off (isolation_level None): SQLAlchemy's begin
decides, so savepoints and rollbacks behave as on PostgreSQL. In WAL mode readers never
wait for the writer nor it for them, so a transaction starts deferred and holds no lock
while it only reads. Its first write must then turn a read snapshot into the write lock,
which SQLite refuses at once, busy timeout or not, when another connection has committed
since the snapshot (SQLITE_BUSY_SNAPSHOT). So at the first write of a transaction that
has written nothing yet, the transaction is begun again as BEGIN IMMEDIATE (its savepoints
opened again): that waits for the write lock, and from then on the transaction reads what
is committed, as a PostgreSQL statement at READ COMMITTED (the production default this
code is written for) does. Only BEGIN IMMEDIATE ever waits for the lock, and nothing has
been written when it does, so it is safely tried again when the timeout runs out."""

import re
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_SECONDS = 30  # the default `timeout` connect argument (config SQLITE_BUSY_SECONDS)
IMMEDIATE_ATTEMPTS = 2
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
SAVEPOINTS = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+(\S+)",
                        re.IGNORECASE)
STATE = "welfare_sqlite_transaction"


class _Transaction:
    """What SQLite has been told about the current transaction of one connection."""

    def __init__(self):
        self.mode = "pending"  # nothing sent yet; then "deferred" or "immediate"
        self.savepoints = []


def engine_options(uri, options, busy_seconds=BUSY_SECONDS):
    """SQLAlchemy engine options with the busy timeout for a SQLite URI."""
    if not str(uri).startswith("sqlite"):
        return options
    connect_args = {"timeout": busy_seconds, **options.get("connect_args", {})}
    return {**options, "connect_args": connect_args}


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, connection_record):
    """Foreign keys on; WAL for a database file (an in-memory one stays as it is)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.info[STATE] = _Transaction()


@event.listens_for(Engine, "before_cursor_execute")
def _before_execute(connection, cursor, statement, parameters, context, executemany):
    state = connection.info.get(STATE)
    if state is None or state.mode == "immediate" or connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    writes = _writes(statement, context)
    savepoint = SAVEPOINTS.match(statement)
    if savepoint:
        _track(state.savepoints, *savepoint.groups())
    if state.mode == "pending" and not writes:
        raw.execute("BEGIN")
        state.mode = "deferred"
    elif writes:
        if state.mode == "deferred":
            raw.execute("ROLLBACK")  # it only read: nothing is lost
        _begin_immediate(raw)
        for name in state.savepoints:
            raw.execute(f"SAVEPOINT {name}")
        state.mode = "immediate"


def _track(savepoints, verb, name):
    """Keep the names of the open savepoints (SQLAlchemy does not reuse one it ended)."""
    if verb.upper() == "SAVEPOINT":
        savepoints.append(name)
    elif name in savepoints:
        del savepoints[savepoints.index(name):]


def _writes(statement, context):
    if context is not None and (context.isinsert or context.isupdate or context.isdelete
                                or context.isddl):
        return True
    return WRITES.match(statement) is not None


def _begin_immediate(raw):
    for attempt in range(1, IMMEDIATE_ATTEMPTS + 1):
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == IMMEDIATE_ATTEMPTS:
                raise


def _on_end(connection):
    if connection.invalidated:  # a lost connection (its server went away): no state left
        return
    connection.info.pop(STATE, None)


event.listen(Engine, "commit", _on_end)
event.listen(Engine, "rollback", _on_end)
