"""SQLite file databases: WAL, and a transaction that read before another connection wrote
can still write (it is begun again as BEGIN IMMEDIATE at its first write, savepoints and
all) instead of failing with "database is locked". Plain engines, no app."""

import threading
import time

import pytest
import sqlalchemy as sa

from welfare import sqlite_writes

COUNTERS = sa.table("counters", sa.column("id"), sa.column("n"))


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.db'}",
                              **sqlite_writes.engine_options("sqlite://", {}, busy_seconds=5))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(sa.text("INSERT INTO counters VALUES (1, 0)"))
    yield engine
    engine.dispose()


def _n(conn):
    return conn.scalar(sa.select(COUNTERS.c.n).where(COUNTERS.c.id == 1))


def _add_one(conn):
    conn.execute(sa.update(COUNTERS).where(COUNTERS.c.id == 1).values(n=COUNTERS.c.n + 1))


def test_a_database_file_is_in_wal_mode(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_reader_writes_after_another_connection_committed(engine):
    with engine.connect() as reader, engine.connect() as writer:
        reader.begin()
        assert _n(reader) == 0  # a read snapshot is taken
        with writer.begin():
            _add_one(writer)
        # A plain deferred transaction fails here: SQLITE_BUSY_SNAPSHOT.
        _add_one(reader)
        assert _n(reader) == 2  # the write saw the other's commit, as on PostgreSQL
        reader.commit()
    with engine.connect() as conn:
        assert _n(conn) == 2


def test_savepoints_opened_before_the_first_write_still_work(engine):
    with engine.connect() as reader, engine.connect() as writer:
        reader.begin()
        outer = reader.begin_nested()
        inner = reader.begin_nested()
        _n(reader)
        with writer.begin():
            _add_one(writer)
        _add_one(reader)
        inner.rollback()  # undoes only the inner write
        _add_one(reader)
        outer.commit()
        reader.commit()
    with engine.connect() as conn:
        assert _n(conn) == 2


def test_a_writer_waits_for_the_one_before_instead_of_failing(engine):
    with engine.connect() as first:
        first.begin()
        _add_one(first)  # holds the write lock
        done = []

        def second():
            with engine.begin() as conn:
                _n(conn)
                _add_one(conn)
            done.append(time.perf_counter())

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        assert not done  # still waiting
        first.commit()
        committed = time.perf_counter()
        thread.join(timeout=10)
    assert done and done[0] >= committed
    with engine.connect() as conn:
        assert _n(conn) == 2


def test_other_databases_keep_their_options():
    options = {"pool_pre_ping": True}
    assert sqlite_writes.engine_options("postgresql+psycopg://x/y", options) is options
    assert sqlite_writes.engine_options("sqlite:///w.db", options, 7) == {
        "pool_pre_ping": True, "connect_args": {"timeout": 7}}
