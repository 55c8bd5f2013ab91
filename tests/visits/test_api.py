"""The JSON API: tokens, elders, idempotent visits, what a volunteer may not see."""

from datetime import datetime

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.visits.conftest import visit_payload as _visit
from welfare.auth import throttle
from welfare.auth.models import utcnow
from welfare.visits.models import ApiToken, Visit


def test_token_is_stored_hashed_and_expires(client, db, make_volunteer, token_for):
    volunteer = make_volunteer()
    headers = token_for(volunteer.user)
    raw = headers["Authorization"].split()[1]
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == volunteer.user_id))
    assert stored.token_hash != raw and len(stored.token_hash) == 64
    assert client.get("/api/v1/elders", headers=headers).status_code == 200
    stored.expires_at = datetime(2000, 1, 1)
    db.session.flush()
    assert client.get("/api/v1/elders", headers=headers).status_code == 401


def test_wrong_password_counts_towards_the_lock(client, db, make_user):
    user = make_user("volunteer")
    for _ in range(3):
        response = client.post("/api/v1/auth/token",
                               json={"username": user.username, "password": "nope"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401  # locked (TestConfig: 3 failures)
    assert throttle.recent_failures(user.username, "127.0.0.1", utcnow(), 15) == (3, 3)


def test_no_token_and_cookies_do_not_work(client, volunteer_user):
    assert client.get("/api/v1/elders").status_code == 401


def test_revoked_token_stops_working(client, make_volunteer, token_for):
    headers = token_for(make_volunteer().user)
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/elders", headers=headers).status_code == 401


def test_volunteer_sees_only_assigned_elders(client, make_volunteer, make_elder, assign,
                                             token_for):
    me, other = make_volunteer(), make_volunteer()
    mine, backup_of, theirs = make_elder(4), make_elder(2), make_elder(3)
    assign(mine, me)
    assign(backup_of, other, me)
    assign(theirs, other)
    headers = token_for(me.user)
    body = client.get("/api/v1/elders", headers=headers).get_json()
    assert sorted(e["id"] for e in body["items"]) == sorted([mine.id, backup_of.id])
    assert body["total"] == 2
    assert "id_number" not in body["items"][0]
    assert client.get(f"/api/v1/elders/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/elders/{theirs.id}", headers=headers).status_code == 404
    response = client.post("/api/v1/visits", json=_visit(theirs), headers=headers)
    assert response.status_code == 404
    assert client.get(f"/api/v1/visits?elder_id={theirs.id}", headers=headers).status_code == 404


def test_staff_see_all_elders_paginated(client, make_user, make_elder, token_for):
    for _ in range(5):
        make_elder(2)
    headers = token_for(make_user("staff"))
    body = client.get("/api/v1/elders?per_page=2&page=2", headers=headers).get_json()
    assert body["page"] == 2 and body["per_page"] == 2 and len(body["items"]) == 2
    assert body["total"] >= 5


def test_serviceman_cannot_use_the_api(client, make_user):
    user = make_user("serviceman")
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 403


def test_visit_is_stored_once_and_conflicts_are_refused(client, db, make_volunteer, make_elder,
                                                        assign, token_for):
    me = make_volunteer()
    elder = make_elder(2)
    assign(elder, me)
    headers = token_for(me.user)
    payload = _visit(elder)
    first = client.post("/api/v1/visits", json=payload, headers=headers)
    assert first.status_code == 201
    for _ in range(5):
        again = client.post("/api/v1/visits", json=payload, headers=headers)
        assert again.status_code == 200
        assert again.get_json() == first.get_json()
    changed = client.post("/api/v1/visits", json=dict(payload, notes="不同"), headers=headers)
    assert changed.status_code == 409
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Visit)
                              .where(Visit.uuid == payload["uuid"]))
    assert count == 1
    listed = client.get(f"/api/v1/visits?elder_id={elder.id}", headers=headers).get_json()
    assert [v["uuid"] for v in listed["items"]] == [payload["uuid"]]
    assert listed["items"][0]["volunteer_id"] == me.id


def test_bad_visit_gets_field_errors(client, make_volunteer, make_elder, assign, token_for):
    me = make_volunteer()
    elder = make_elder(2)
    assign(elder, me)
    response = client.post("/api/v1/visits", headers=token_for(me.user),
                           json=_visit(elder, kind="telepathy", visited_at="yesterday"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"kind", "visited_at"}


def test_staff_record_on_a_volunteers_behalf(client, db, make_user, make_volunteer, make_elder,
                                             token_for):
    volunteer = make_volunteer()
    elder = make_elder(1)
    staff = make_user("staff")
    response = client.post("/api/v1/visits", headers=token_for(staff),
                           json=_visit(elder, kind="phone_call", volunteer_id=volunteer.id))
    assert response.status_code == 201
    visit = db.session.get(Visit, response.get_json()["id"])
    assert visit.volunteer_id == volunteer.id and visit.recorded_by_id == staff.id


def test_openapi_document_names_the_paths(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/auth/token", "/elders", "/elders/{id}", "/visits"} <= set(doc["paths"])
    assert set(doc["paths"]["/visits"]["post"]["responses"]) >= {"200", "201", "404", "409"}


def test_junk_position_is_refused_not_a_server_error(client, make_volunteer, make_elder, assign,
                                                      token_for):
    me = make_volunteer()
    elder = make_elder(2)
    assign(elder, me)
    response = client.post("/api/v1/visits", headers=token_for(me.user),
                           json=_visit(elder, lat="north", lng=120.39, gps_accuracy="x"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"lat", "gps_accuracy"}
