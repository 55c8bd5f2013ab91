"""schemathesis against the API's own OpenAPI document: generated requests that fit it
(and some that do not: boundary values, NUL, 40-digit numbers) with a volunteer's and a
staff token; every answer must be a documented status with a documented content type and
body, and never a server error.

Runs on PostgreSQL in .ci/run's second pass (NUL bytes and integer overflow only fail
there) and on SQLite. The `db` fixture rolls back what the API wrote after each role, so
runs do not see each other's visits. Bounded: a few hundred calls per role."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from welfare.visits import tokens
from welfare.visits.openapi import document

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
schema = schemathesis.openapi.from_dict(document())


@pytest.fixture(params=["volunteer", "staff"])
def caller(request, db, make_user, make_volunteer, make_elder, assign):
    """A volunteer with a primary and a backup elder (and another volunteer's elder), or a
    staff member for every village; the elders the caller may record for."""
    me, other = make_volunteer(), make_volunteer()
    mine, backup, theirs = make_elder(4), make_elder(2), make_elder(3)
    assign(mine, me)
    assign(backup, other, me)
    assign(theirs, other)
    if request.param == "volunteer":
        return me.user, [mine.id, backup.id]
    return make_user("staff"), [mine.id, backup.id, theirs.id]


@pytest.fixture(scope="module")
def answers():
    """(method, path, status) of every call, over both roles."""
    return Counter()


def _bearer(db, user):
    raw = tokens.issue_token(user, 14)
    db.session.commit()  # a savepoint: the API's rollbacks keep the caller and the elders
    return {"Authorization": f"Bearer {raw}"}


def _aimed(case, elder_ids):
    """Point two thirds of the visits at an elder the caller may see, at a recent time, so
    that storing, replaying and conflicting are fuzzed too, not only 404 and 422."""
    body = case.body
    if not isinstance(body, dict) or "uuid" not in body:
        return
    pick = uuid.uuid5(uuid.NAMESPACE_OID, repr(body)).int
    if pick % 3 == 0:
        return
    body["elder_id"] = elder_ids[pick % len(elder_ids)]
    if pick % 3 == 1:  # a new record
        body.update(uuid=str(uuid.UUID(int=pick)), photo=None, volunteer_id=None,
                    visited_at=(datetime.now(UTC) - timedelta(hours=2)).isoformat())


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_keeps_its_openapi_document(case, app, db, caller, answers):
    user, elder_ids = caller
    headers = _bearer(db, user)  # a fresh token: DELETE /auth/token revokes the one it uses
    if case.method == "POST" and case.path == "/visits":
        _aimed(case, elder_ids)
    response = case.call_and_validate(headers=headers, checks=CHECKS, app=app)
    answers[(case.method, case.path, response.status_code)] += 1
    if case.method == "POST" and case.path == "/visits" and response.status_code == 201:
        replay = case.call_and_validate(headers=headers, checks=CHECKS, app=app)
        assert (replay.status_code, replay.json()) == (200, response.json())
        answers[(case.method, case.path, replay.status_code)] += 1
        # the same uuid with other content is a conflict, never a second visit
        notes = case.body.get("notes") or ""
        case.body["notes"] = ("乙" if notes.startswith("甲") else "甲") + notes[1:]
        conflict = case.call_and_validate(headers=headers, checks=CHECKS, app=app)
        assert conflict.status_code == 409
        answers[(case.method, case.path, conflict.status_code)] += 1


def test_the_fuzz_reached_every_answer_of_the_sync(answers):
    """Runs after the fuzz in this file: the generated calls stored, replayed and refused
    visits, not only 404s (so a schema that matched nothing would fail here)."""
    if not answers:
        pytest.skip("runs with the fuzz test above")
    sync = {status for method, path, status in answers if (method, path) == ("POST", "/visits")}
    assert {200, 201, 400, 404, 409, 422} <= sync
    assert {200, 400} <= {s for m, p, s in answers if (m, p) == ("GET", "/elders")}
    assert sum(answers.values()) >= 300
