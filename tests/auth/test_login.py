import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from welfare.auth.models import AuditLog


def test_login_page_is_chinese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="zh-Hant-TW"' in response.text


def test_login_and_home(client, make_user):
    user = make_user("staff")
    response = login(client, user)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert user.display_name in home.text


def test_wrong_password_then_lockout(client, make_user, app):
    user = make_user("staff")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = login(client, user, "wrong password")
        assert response.status_code == 200
    # Locked now: even the right password is refused.
    response = login(client, user, PASSWORD)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_login(client):
    response = client.get("/people")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_audit_log_cannot_be_changed(db, make_user):
    user = make_user("admin")
    row = AuditLog(user_id=user.id, action="test", entity_type="x", summary="s")
    db.session.add(row)
    db.session.flush()
    import pytest
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(sa.update(AuditLog).where(AuditLog.id == row.id).values(summary="x"))
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(sa.delete(AuditLog).where(AuditLog.id == row.id))
