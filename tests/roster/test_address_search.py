"""Address substring search: any part of an address finds it, and on PostgreSQL the planner
can answer `LIKE '%...%'` from the trigram indexes (pg_trgm) instead of reading every row."""

import pytest
import sqlalchemy as sa

from welfare.roster import queries
from welfare.roster.models import Household


def test_any_part_of_an_address_finds_it(db, make_person):
    make_person(name="王甲", address="林園北路244巷3弄17號5樓")
    make_person(name="王乙", address="沿海路二段8號")
    found = queries.search_people({"address": "3弄17"}, None).items
    assert [p.name for p in found] == ["王甲"]
    assert queries.search_people({"address": "二段"}, None).items[0].name == "王乙"
    assert queries.search_people({"address": "港埔路"}, None).items == []


def _plan(db, stmt):
    """EXPLAIN of a statement; reading the whole (small) table is priced as at scale."""
    compiled = stmt.compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    return "\n".join(row[0] for row in rows)


@pytest.fixture
def many_addresses(db, village):
    """5,000 people on 50 roads, analysed, so that the planner weighs real statistics."""
    from datetime import date

    from welfare.roster.models import Person

    roads = [f"第{n}號路" for n in range(50)]
    db.session.execute(sa.insert(Person), [{
        "id_number": f"E1{n:08d}", "name": f"林{n}", "sex": "M", "birth_date": date(1950, 1, 1),
        "village_id": village.id, "address": f"{roads[n % 50]}{n % 97}巷{n}號",
        "status": "registered",
    } for n in range(5000)])
    db.session.execute(sa.insert(Household), [{
        "village_id": village.id, "address": f"{roads[n % 50]}{n}號"} for n in range(5000)])
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Rows written since the index was built wait in GIN's pending list (read whole by
        # every search, and priced so): move them into the index, as autovacuum would.
        for index in ("ix_people_address_trgm", "ix_households_address_trgm"):
            connection.exec_driver_sql(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        connection.exec_driver_sql("ANALYZE people; ANALYZE households")


def test_the_planner_uses_the_trigram_indexes(db, is_postgres, many_addresses):
    if not is_postgres:
        pytest.skip("trigram indexes are PostgreSQL's (SQLite scans)")
    rare = "巷4321號"
    page = _plan(db, queries.people_stmt({"address": rare}, None).limit(25))
    assert "ix_people_address_trgm" in page, page
    households = _plan(db, queries.households_stmt({"address": rare}, None).limit(25))
    assert "ix_households_address_trgm" in households, households
    assert [p.name for p in queries.search_people({"address": rare}, None).items] == ["林4321"]


def _statements(db, run):
    """The SQL statements (with their parameters) that `run()` sends about people."""
    sent = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "FROM people" in statement:
            sent.append((statement, parameters))

    engine = db.session.connection().engine
    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)
    return sent


def test_the_first_matches_come_through_the_trigram_index(db, is_postgres, many_addresses):
    """A search first fetches the ids of up to COUNT_CAP + 1 matches through the filter's
    own index, not by walking the name order and reading every row to find a few."""
    if not is_postgres:
        pytest.skip("trigram indexes are PostgreSQL's (SQLite scans)")
    sent = _statements(db, lambda: queries.search_people({"address": "巷4321號"}, None))
    assert len(sent) == 2, sent  # the matches' ids, then the page's rows by id
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    probe = "\n".join(row[0] for row in connection.exec_driver_sql(
        "EXPLAIN " + sent[0][0], sent[0][1]))
    assert "ix_people_address_trgm" in probe and "ix_people_name" not in probe, probe
    page = "\n".join(row[0] for row in connection.exec_driver_sql(
        "EXPLAIN " + sent[1][0], sent[1][1]))
    assert "pk_people" in page, page
    assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"


def test_a_clerk_finds_only_their_villages_addresses(db, villages, make_person, monkeypatch):
    """A road of another village finds nothing for the clerk (and quickly: the page is
    sorted from the few matches, not found by walking the village in name order)."""
    from welfare.auth import scope

    mine, theirs = villages[0], villages[1]
    for n in range(6):
        make_person(name=f"陳{n}", address=f"港埔路{n}號", village_id=theirs.id)
    for n in (3, 1, 2):
        make_person(name=f"林{n}", address=f"港埔路{n}0號", village_id=mine.id)
    monkeypatch.setattr(queries, "COUNT_CAP", 4)
    with scope.acting(scope.Scope("villages", (mine.id,))):
        page = queries.search_people({"address": "港埔路"}, None, per_page=2)
        assert page.total == 3 and [p.name for p in page.items] == ["林1", "林2"]
        later = queries.search_people({"address": "港埔路"}, None, page=2, per_page=2)
        assert [p.name for p in later.items] == ["林3"] and not later.has_next
        assert queries.search_people({"address": "港埔路5號"}, None).total == 0
    everyone = queries.search_people({"address": "港埔路"}, None, per_page=2)
    assert str(everyone.total) == "4+" and [p.name for p in everyone.items] == ["林1", "林2"]
    assert [p.name for p in queries.search_people(
        {"address": "港埔路"}, None, page=2, per_page=2).items] == ["林3", "陳0"]
