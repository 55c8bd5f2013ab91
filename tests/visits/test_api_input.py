"""What the API refuses, and how: problem+json bodies, 400 for values it cannot read (NUL,
text too long, numbers out of range, half a position), never a server error; messages in
the caller's language."""

import flask_babel
import pytest
import sqlalchemy as sa

from tests.visits.conftest import visit_payload as _visit
from welfare.visits.models import Visit

FORTY_DIGITS = "1" * 40


@pytest.fixture
def mine(make_volunteer, make_elder, assign, token_for):
    me, elder = make_volunteer(), make_elder(2)
    assign(elder, me)
    return elder, token_for(me.user)


def _is_problem(response, status):
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == "application/problem+json"
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("query", [
    f"/api/v1/elders?page={FORTY_DIGITS}", f"/api/v1/elders?per_page={FORTY_DIGITS}",
    "/api/v1/elders?page=0", "/api/v1/elders?per_page=201", "/api/v1/elders?page=abc",
    "/api/v1/elders?page=%00", f"/api/v1/visits?page={FORTY_DIGITS}",
    f"/api/v1/visits?elder_id={FORTY_DIGITS}", "/api/v1/visits?elder_id=-1",
    "/api/v1/visits?per_page=1.5",
])
def test_numbers_out_of_range_in_the_query_are_400(client, mine, query):
    _elder, headers = mine
    body = _is_problem(client.get(query, headers=headers), 400)
    assert set(body["errors"]) <= {"page", "per_page", "elder_id"} and body["errors"]


@pytest.mark.parametrize(("field", "value"), [
    ("notes", "精神很好\x00"), ("notes", "x" * 4001), ("uuid", "a" * 37),
    ("visited_at", "2026-01-01T00:00:00" + " " * 30), ("kind", "home_visit\x00"),
    ("assessment", {"health\x00": "ok"}), ("needs", ["meals\x00"]),
    ("notes", "\ud800"), ("volunteer_id", int(FORTY_DIGITS)), ("volunteer_id", 0),
    ("volunteer_id", "3"),
])
def test_values_that_cannot_be_read_are_400(client, db, mine, field, value):
    elder, headers = mine
    payload = _visit(elder, **{field: value})
    body = _is_problem(client.post("/api/v1/visits", json=payload, headers=headers), 400)
    assert list(body["errors"]) == [field]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)
                             .where(Visit.uuid == payload["uuid"])) == 0


def test_staff_name_a_volunteer_by_a_number_in_range(client, make_user, make_elder, token_for):
    elder, headers = make_elder(2), token_for(make_user("staff"))
    for volunteer_id, status in ((FORTY_DIGITS, 400), (2**31, 400), (2**31 - 1, 422)):
        response = client.post("/api/v1/visits", headers=headers,
                               json=_visit(elder, volunteer_id=int(volunteer_id)))
        assert list(_is_problem(response, status)["errors"]) == ["volunteer_id"]


@pytest.mark.parametrize(("extra", "fields"), [
    ({"lat": 95.0, "lng": 120.0}, {"lat"}), ({"lat": 22.5, "lng": -181}, {"lng"}),
    ({"lat": 22.5, "lng": 120.0, "gps_accuracy": -1}, {"gps_accuracy"}),
    ({"duration_minutes": 10**400}, {"duration_minutes"}), ({"notes": 5}, {"notes"}),
    ({"photo": "data:abc"}, {"photo"}), ({"photo": 7}, {"photo"}), ({"uuid": 12345678}, {"uuid"}),
    ({"visited_at": "0001-01-01T00:00:00"}, {"visited_at"}),
    ({"visited_at": "9999-12-31T23:59:59-10:00"}, {"visited_at"}),
])
def test_rule_breaking_values_are_422_not_server_errors(client, mine, extra, fields):
    elder, headers = mine
    response = client.post("/api/v1/visits", json=_visit(elder, **extra), headers=headers)
    assert set(_is_problem(response, 422)["errors"]) == fields


def test_sign_in_refuses_unreadable_credentials(client):
    # NUL anywhere in a request is refused by the app before any view (welfare.params).
    body = _is_problem(client.post("/api/v1/auth/token",
                                   json={"username": "a\x00b", "password": "x"}), 400)
    assert body["detail"] == "送出的資料含有不允許的空字元（NUL，\\0），請刪除後再試一次。"
    for data in ({"username": "a", "password": 5}, {"username": "a" * 65, "password": "x"},
                 {}, []):
        body = _is_problem(client.post("/api/v1/auth/token", json=data), 400)
        assert body["detail"] == "請提供帳號與密碼。"
    _is_problem(client.post("/api/v1/auth/token", json={"username": "nobody",
                                                         "password": "x"}), 401)


def test_unknown_elders_paths_and_methods_are_problems(client, mine):
    _elder, headers = mine
    for path in ("/api/v1/elders/abc", f"/api/v1/elders/{FORTY_DIGITS}", "/api/v1/elders/0",
                 "/api/v1/elders/%C2%B2", "/api/v1/nothing/here"):
        _is_problem(client.get(path, headers=headers), 404)
    response = client.put("/api/v1/visits", headers=headers, json={})
    _is_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    signed_out = client.get("/api/v1/elders")
    _is_problem(signed_out, 401)
    assert signed_out.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("language", "detail"), [
    (None, "您負責的長者中沒有這一位。"),
    ("zh-TW,zh;q=0.9", "您負責的長者中沒有這一位。"),
    ("en-US,en;q=0.9", "No such elder among yours."),
    ("fr-FR", "您負責的長者中沒有這一位。"),
])
def test_problem_detail_in_the_callers_language(client, mine, language, detail):
    _elder, headers = mine
    if language:
        headers = dict(headers, **{"Accept-Language": language})
    flask_babel.refresh()  # tests share one app context: forget the locale of token_for
    response = client.get("/api/v1/elders/999999", headers=headers)
    assert _is_problem(response, 404)["detail"] == detail
