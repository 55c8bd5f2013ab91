"""The API's unit of work: one commit per request (a read keeps the token's last use), the
sync's statements unchanged (one select for the caller and elder, then the insert)."""

from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from tests.visits.conftest import visit_payload
from welfare.auth.models import AuditLog
from welfare.visits.models import ApiToken, Visit


@contextmanager
def _statements(db):
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        word = statement.lstrip().split(None, 1)[0].upper()
        if word in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            seen.append(word)

    engine = db.session.get_bind()
    target = engine.engine if hasattr(engine, "engine") else engine
    sa.event.listen(target, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(target, "before_cursor_execute", note)


def test_a_read_commits_the_tokens_last_use(client, db, make_volunteer, token_for):
    me = make_volunteer()
    headers = token_for(me.user)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == me.user_id))
    token.last_used_at = datetime(2020, 1, 1)
    db.session.commit()
    assert client.get("/api/v1/elders", headers=headers).status_code == 200
    db.session.rollback()  # drops whatever the request left uncommitted
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == me.user_id))
    assert token.last_used_at > datetime(2020, 1, 1)


def test_the_sync_takes_one_select_and_its_inserts(client, db, make_volunteer, make_elder,
                                                   assign, token_for, is_postgres):
    me = make_volunteer()
    elder = make_elder(2)
    assign(elder, me)
    headers = token_for(me.user)
    first = client.post("/api/v1/visits", json=visit_payload(elder), headers=headers)
    assert first.status_code == 201  # touches the new token: later calls need not
    payload = visit_payload(elder)  # before counting: the request's commit expired `elder`
    with _statements(db) as seen:
        response = client.post("/api/v1/visits", json=payload, headers=headers)
    assert response.status_code == 201
    # PostgreSQL stores the visit and its audit row in one statement, SQLite in two.
    assert seen == (["SELECT", "WITH"] if is_postgres else ["SELECT", "INSERT", "INSERT"])
    db.session.rollback()
    stored = db.session.get(Visit, response.get_json()["id"])
    assert stored is not None and db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditLog)
        .where(AuditLog.action == "record_visit", AuditLog.entity_id == stored.id)) == 1


def test_a_refused_visit_leaves_nothing(client, db, make_user, make_elder, token_for):
    office = make_user("staff")
    elder = make_elder(2)
    headers = token_for(office)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    response = client.post("/api/v1/visits", json=visit_payload(elder, volunteer_id=99999),
                           headers=headers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["volunteer_id"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == before
