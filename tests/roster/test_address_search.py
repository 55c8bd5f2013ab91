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
