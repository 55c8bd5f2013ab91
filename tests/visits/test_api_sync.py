"""POST /api/v1/visits on its lean path: the same token rules, audit row and follow-ups as
the ORM path (one select for the caller and elder, one insert for visit and audit)."""

from datetime import date, datetime

import sqlalchemy as sa

from tests.visits.conftest import visit_payload as _visit
from welfare.auth.models import AuditLog
from welfare.visits import alerts
from welfare.visits.models import Alert, ApiToken, SweepCheck, Visit


def _mine(make_volunteer, make_elder, assign, level=2):
    me = make_volunteer()
    elder = make_elder(level)
    assign(elder, me)
    return me, elder


def test_token_rules_hold_on_the_sync_path(client, db, make_volunteer, make_elder, assign,
                                           token_for):
    me, elder = _mine(make_volunteer, make_elder, assign)
    headers = token_for(me.user)
    assert client.post("/api/v1/visits", json=_visit(elder)).status_code == 401
    wrong = {"Authorization": "Bearer not-a-token"}
    assert client.post("/api/v1/visits", json=_visit(elder), headers=wrong).status_code == 401
    assert client.post("/api/v1/visits", json=[1], headers=wrong).status_code == 401
    assert client.post("/api/v1/visits", json=[1], headers=headers).status_code == 400
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == me.user_id))
    assert token.last_used_at is not None  # touched by the calls above
    token.expires_at = datetime(2000, 1, 1)
    db.session.flush()
    assert client.post("/api/v1/visits", json=_visit(elder), headers=headers).status_code == 401
    token.expires_at = datetime(2999, 1, 1)
    me.user.is_active_account = False
    db.session.flush()
    assert client.post("/api/v1/visits", json=_visit(elder), headers=headers).status_code == 401
    me.user.is_active_account = True
    me.user.role = "serviceman"
    db.session.flush()
    assert client.post("/api/v1/visits", json=_visit(elder), headers=headers).status_code == 403
    me.user.role = "volunteer"
    token.revoked_at = datetime(2020, 1, 1)
    db.session.flush()
    assert client.post("/api/v1/visits", json=_visit(elder), headers=headers).status_code == 401


def test_backup_volunteer_may_record_and_others_may_not(client, db, make_volunteer, make_elder,
                                                        assign, token_for):
    primary, backup, stranger = make_volunteer(), make_volunteer(), make_volunteer()
    elder = make_elder(2)
    assign(elder, primary, backup)
    response = client.post("/api/v1/visits", json=_visit(elder), headers=token_for(backup.user))
    assert response.status_code == 201
    assert response.get_json()["volunteer_id"] == backup.id
    response = client.post("/api/v1/visits", json=_visit(elder),
                           headers=token_for(stranger.user))
    assert response.status_code == 404
    for junk in ("x", None, True, -1, 2**40, str(elder.id)):
        response = client.post("/api/v1/visits", json=_visit(elder, elder_id=junk),
                               headers=token_for(stranger.user))
        assert response.status_code == 404, junk
    # A digit string names the elder as before.
    response = client.post("/api/v1/visits", json=_visit(elder, elder_id=str(elder.id)),
                           headers=token_for(primary.user))
    assert response.status_code == 201


def test_audit_row_and_response_match_the_stored_visit(client, db, make_volunteer, make_elder,
                                                       assign, token_for):
    me, elder = _mine(make_volunteer, make_elder, assign)
    payload = _visit(elder, needs=["meals", "meals"], assessment={"health": "concern"},
                     lat=22.5, lng=120.39, gps_accuracy=8, duration_minutes="15")
    body = client.post("/api/v1/visits", json=payload, headers=token_for(me.user)).get_json()
    visit = db.session.get(Visit, body["id"])
    assert (visit.uuid, visit.volunteer_id, visit.recorded_by_id) == (
        payload["uuid"], me.id, me.user_id)
    assert visit.needs == ["meals"] and visit.assessment == {"health": "concern"}
    assert visit.duration_minutes == 15 and visit.gps_accuracy == 8 and visit.sweep_id is None
    row = db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "record_visit", AuditLog.entity_id == visit.id))
    assert (row.user_id, row.entity_type, row.summary, row.ip) == (
        me.user_id, "visits", elder.person.name, "127.0.0.1")
    assert row.after == {"elder_id": elder.id, "kind": "home_visit", "outcome": "met_well"}
    again = client.post("/api/v1/visits", json=payload, headers=token_for(me.user))
    assert again.status_code == 200 and again.get_json() == body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "record_visit", AuditLog.entity_id == visit.id)) == 1


def test_conflict_writes_nothing(client, db, make_volunteer, make_elder, assign, token_for):
    me, elder = _mine(make_volunteer, make_elder, assign, level=4)
    headers = token_for(me.user)
    payload = _visit(elder)
    assert client.post("/api/v1/visits", json=payload, headers=headers).status_code == 201
    changed = client.post("/api/v1/visits", json=dict(payload, outcome="no_answer"),
                          headers=headers)
    assert changed.status_code == 409 and changed.get_json()["uuid"] == payload["uuid"]
    assert db.session.scalars(sa.select(Alert).where(Alert.elder_id == elder.id)).all() == []


def test_alerts_and_sweep_checks_follow_api_visits(client, db, make_volunteer, make_elder,
                                                   assign, token_for, make_user):
    staff = make_user("staff")
    me, elder = _mine(make_volunteer, make_elder, assign, level=4)
    headers = token_for(me.user)
    response = client.post("/api/v1/visits", json=_visit(elder, outcome="no_answer"),
                           headers=headers)
    assert response.status_code == 201
    [alert] = db.session.scalars(sa.select(Alert).where(Alert.elder_id == elder.id)).all()
    assert alert.reason == "no_answer" and alert.owner_id == me.user_id and alert.is_open
    assert alert.visit_id == response.get_json()["id"]
    sweep = alerts.start_sweep("颱風", [elder.person.village], staff, date.today())
    response = client.post("/api/v1/visits", json=_visit(elder), headers=headers)
    assert response.status_code == 201
    db.session.refresh(alert)
    assert not alert.is_open and alert.close_outcome == "found_well"
    check = db.session.scalar(sa.select(SweepCheck).where(SweepCheck.sweep_id == sweep.id))
    visit = db.session.get(Visit, response.get_json()["id"])
    assert (check.state, check.visit_id, visit.sweep_id) == ("checked", visit.id, sweep.id)
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.user_id == me.user_id).order_by(AuditLog.id)).all()
    assert actions[-5:] == ["issue_token", "record_visit", "open_alert", "record_visit",
                            "close_alert"]
