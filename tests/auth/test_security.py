from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.conftest import PASSWORD
from welfare.auth.models import User


@pytest.fixture
def csrf_app(app, app_with):
    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    return app_with(CsrfConfig)


def test_forms_refuse_posts_without_csrf_token(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400


def test_session_expires_after_idle_time(client, make_user, app, monkeypatch):
    user = make_user("staff")
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)
    # 29 idle minutes later the session still works (and is refreshed)...
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 29 * 60)
    assert client.get("/").status_code == 200
    # ...31 idle minutes after that the signed cookie is too old and is refused.
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 60 * 60)
    assert client.get("/").status_code == 302


def test_disabled_account_cannot_sign_in(client, make_user, db):
    user = make_user("staff")
    user.is_active_account = False
    db.session.flush()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, make_user):
    user = make_user("staff")
    response = client.post("/login?next=//evil.example/x",
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_users_create_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "clerk1", "--role", "staff",
                                 "--password", "long enough 1", "--village", "64000130001"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "clerk1"))
    assert user.role == "staff" and [v.code for v in user.villages] == ["64000130001"]
    result = runner.invoke(args=["users", "create", "clerk1", "--role", "staff",
                                 "--password", "long enough 1"])
    assert result.exit_code != 0
    result = runner.invoke(args=["users", "create", "clerk2", "--role", "staff",
                                 "--password", "short"])
    assert result.exit_code != 0


def test_admin_creates_and_edits_accounts(client, admin_user, db, villages):
    response = client.post("/users/new", data={
        "username": "vol9", "display_name": "志工九", "role": "volunteer",
        "password": "long enough 2", "villages": [villages[0].id], "active": "y"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "vol9"))
    assert user.role == "volunteer" and user.village_ids == {villages[0].id}
    response = client.post(f"/users/{user.id}", data={
        "username": "vol9", "display_name": "志工九", "role": "staff", "villages": []})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "staff" and not user.is_active_account  # unchecked box disables
    # An admin cannot demote themself.
    response = client.post(f"/users/{admin_user.id}", data={
        "username": admin_user.username, "role": "staff", "active": "y"})
    assert response.status_code == 200
