"""A session ends on the server: sign-out, password changes, deactivation, role changes."""

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from welfare.auth.models import AuditLog
from welfare.visits.models import ApiToken


@pytest.fixture
def second_client(app, db):
    """Another browser."""
    return app.test_client()


def copy_cookie(source, target):
    """What an attacker does with a stolen cookie."""
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value, domain=cookie.domain)


def signed_in(client):
    return client.get("/").status_code == 200


def test_copied_cookie_stops_working_after_sign_out(client, second_client, make_user, db):
    user = make_user("staff")
    assert login(client, user).status_code == 302
    copy_cookie(client, second_client)
    assert signed_in(second_client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(second_client)
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.entity_id == user.id, AuditLog.action == "logout")) == "logout"


def test_signing_in_again_after_sign_out_works(client, make_user):
    user = make_user("staff")
    login(client, user)
    client.post("/logout")
    assert login(client, user).status_code == 302
    assert signed_in(client)


def test_own_password_change_keeps_this_session_and_ends_others(client, second_client,
                                                                 make_user):
    user = make_user("staff")
    login(client, user)
    login(second_client, user)
    assert signed_in(second_client)
    response = client.post("/account/password", data={"password": "a new password 2"})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(second_client)
    assert login(second_client, user, "a new password 2").status_code == 302


def test_admin_password_reset_ends_the_accounts_sessions(client, second_client, admin_user,
                                                         make_user):
    clerk = make_user("staff")
    login(second_client, clerk)
    assert signed_in(second_client)
    response = client.post(f"/users/{clerk.id}", data={
        "username": clerk.username, "role": "staff", "active": "y",
        "password": "reset by admin 3"})
    assert response.status_code == 302
    assert not signed_in(second_client)
    assert signed_in(client)


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(
        client, second_client, admin_user, make_user, db):
    clerk = make_user("staff")
    login(second_client, clerk)
    old_cookie = second_client.get_cookie("session").value
    client.post(f"/users/{clerk.id}", data={"username": clerk.username, "role": "staff"})
    assert not signed_in(second_client)
    client.post(f"/users/{clerk.id}", data={"username": clerk.username, "role": "staff",
                                            "active": "y"})
    db.session.refresh(clerk)
    assert clerk.is_active_account
    second_client.set_cookie("session", old_cookie, domain="localhost")
    assert not signed_in(second_client)


@pytest.mark.parametrize("change", ["role", "villages"])
def test_role_or_village_change_ends_the_accounts_sessions(client, second_client, admin_user,
                                                           make_user, villages, change):
    clerk = make_user("staff")
    login(second_client, clerk)
    data = {"username": clerk.username, "role": "staff", "active": "y"}
    if change == "role":
        data["role"] = "supervisor"
    else:
        data["villages"] = [villages[0].id]
    assert client.post(f"/users/{clerk.id}", data=data).status_code == 302
    assert not signed_in(second_client)


def test_name_or_phone_change_keeps_sessions(client, second_client, admin_user, make_user):
    clerk = make_user("staff")
    login(second_client, clerk)
    client.post(f"/users/{clerk.id}", data={"username": clerk.username, "role": "staff",
                                            "active": "y", "display_name": "新名字",
                                            "phone": "07-1234567"})
    assert signed_in(second_client)


def test_admin_changing_own_villages_stays_signed_in(client, second_client, admin_user,
                                                      villages):
    login(second_client, admin_user)
    response = client.post(f"/users/{admin_user.id}", data={
        "username": admin_user.username, "role": "admin", "active": "y",
        "villages": [villages[1].id]})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(second_client)


def test_session_without_the_nonce_is_refused(client, make_user):
    user = make_user("staff")
    login(client, user)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_nonce}"
        session["_user_id"] = str(user.id)  # a cookie signed before the nonce existed
    assert not signed_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:guess"
    assert not signed_in(client)


def test_signed_in_request_loads_user_and_villages_in_one_select(client, make_user, villages,
                                                                 db):
    user = make_user("staff", villages=villages[:2])
    login(client, user)
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM users" in statement:
            statements.append(statement)

    db.session.expunge_all()  # else the user comes from the identity map, with no select
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/account/password").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert "user_villages" in statements[0]


def _live_tokens(db, user):
    return db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))


def _token(client, user, password=PASSWORD):
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_password_change_revokes_the_phone_tokens(client, second_client, admin_user,
                                                  make_user, db):
    volunteer = make_user("volunteer")
    headers = _token(second_client, volunteer)
    assert second_client.get("/api/v1/elders", headers=headers).status_code == 200
    client.post(f"/users/{volunteer.id}", data={
        "username": volunteer.username, "role": "volunteer", "active": "y",
        "password": "reset by admin 4"})
    assert _live_tokens(db, volunteer) == 0
    assert second_client.get("/api/v1/elders", headers=headers).status_code == 401
    assert db.session.scalar(sa.select(AuditLog.summary).where(
        AuditLog.action == "revoke_token", AuditLog.entity_id == volunteer.id)) \
        == f"{volunteer.username} (1)"


def test_deactivation_revokes_the_phone_tokens(client, second_client, admin_user, make_user,
                                               db):
    volunteer = make_user("volunteer")
    headers = _token(second_client, volunteer)
    client.post(f"/users/{volunteer.id}", data={"username": volunteer.username,
                                                "role": "volunteer"})
    assert _live_tokens(db, volunteer) == 0
    client.post(f"/users/{volunteer.id}", data={"username": volunteer.username,
                                                "role": "volunteer", "active": "y"})
    assert second_client.get("/api/v1/elders", headers=headers).status_code == 401
