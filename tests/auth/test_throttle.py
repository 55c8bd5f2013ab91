"""Failed sign-ins are throttled per (name, address) and per address, on a frozen clock."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.conftest import PASSWORD
from welfare.auth import audit, services, throttle
from welfare.auth.models import AuditLog, LoginFailure
from welfare.errors import ServiceError

T0 = datetime(2026, 12, 4, 9, 0)
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
WRONG = "wrong password"
TOO_MANY = "登入失敗次數過多"


def sign_in(username, password, address, now, address_max=30):
    """authenticate() with TestConfig's rule (3 failures in 15 minutes) and a set clock."""
    return services.authenticate(username, password, 3, 15, address=address, now=now,
                                 address_max_failures=address_max)


def refusal(username, password, address, now, address_max=30):
    with pytest.raises(ServiceError) as caught:
        sign_in(username, password, address, now, address_max)
    return str(caught.value)


@pytest.fixture
def clerk(make_user):
    return make_user("staff", username="clerk_throttle")


def test_three_failures_lock_the_name_from_that_address(db, clerk):
    for minute in range(3):
        assert "不正確" in refusal(clerk.username, WRONG, ATTACKER, T0 + timedelta(minutes=minute))
    assert TOO_MANY in refusal(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(minutes=3))


def test_a_stranger_cannot_lock_the_owner_out(db, clerk):
    for minute in range(10):
        with pytest.raises(ServiceError):
            sign_in(clerk.username, WRONG, ATTACKER, T0 + timedelta(minutes=minute))
    assert sign_in(clerk.username, PASSWORD, OWNER, T0 + timedelta(minutes=10)) is clerk


def test_the_lock_ends_when_the_failures_are_older_than_the_window(db, clerk):
    for minute in range(3):
        refusal(clerk.username, WRONG, ATTACKER, T0 + timedelta(minutes=minute))
    # A failure counts for 15 minutes: the first (T0) stops counting at T0 + 15 minutes.
    assert TOO_MANY in refusal(clerk.username, PASSWORD, ATTACKER,
                               T0 + timedelta(minutes=14, seconds=59))
    assert sign_in(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(minutes=15))


def test_unknown_names_are_throttled_exactly_like_known_ones(db, clerk):
    answers = {}
    for name in (clerk.username, "no_such_clerk"):
        answers[name] = [refusal(name, WRONG, ATTACKER, T0 + timedelta(seconds=i))
                         for i in range(4)]
        assert throttle.recent_failures(name, ATTACKER, T0 + timedelta(seconds=4), 15)[0] == 3
    assert answers[clerk.username] == answers["no_such_clerk"]
    assert TOO_MANY in answers["no_such_clerk"][3]


def test_names_are_counted_without_case_or_spaces(db, clerk):
    for i, typed in enumerate(["Clerk_Throttle", " clerk_throttle ", "CLERK_THROTTLE"]):
        refusal(typed, WRONG, ATTACKER, T0 + timedelta(seconds=i))
    assert TOO_MANY in refusal(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(seconds=5))


def test_spraying_names_from_one_address_is_slowed(db, clerk):
    for i in range(5):
        refusal(f"guess{i}", WRONG, ATTACKER, T0 + timedelta(seconds=i), address_max=5)
    # The address is now throttled for every name, even a right password...
    assert TOO_MANY in refusal(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(minutes=1),
                               address_max=5)
    # ...but other addresses are not, and the wait ends with the window.
    assert sign_in(clerk.username, PASSWORD, OWNER, T0 + timedelta(minutes=1), address_max=5)
    assert sign_in(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(minutes=16),
                   address_max=5)


def test_success_clears_only_that_name_from_that_address(db, clerk, make_user):
    other = make_user("staff", username="other_throttle")
    for i in range(2):
        refusal(clerk.username, WRONG, ATTACKER, T0 + timedelta(seconds=i))
        refusal(other.username, WRONG, ATTACKER, T0 + timedelta(seconds=i))
    sign_in(clerk.username, PASSWORD, ATTACKER, T0 + timedelta(seconds=5))
    now = T0 + timedelta(seconds=6)
    assert throttle.recent_failures(clerk.username, ATTACKER, now, 15) == (0, 2)
    assert throttle.recent_failures(other.username, ATTACKER, now, 15) == (2, 2)


def test_password_reset_unlocks_the_name_everywhere(db, clerk, make_user):
    admin = make_user("admin")
    for i in range(3):
        refusal(clerk.username, WRONG, ATTACKER, T0 + timedelta(seconds=i))
        refusal(clerk.username, WRONG, OWNER, T0 + timedelta(seconds=i))
    services.set_password(clerk, "a brand new one 5", actor=admin)
    assert sign_in(clerk.username, "a brand new one 5", OWNER, T0 + timedelta(minutes=1))


def test_lockout_is_audited_once_with_name_and_address(db, clerk):
    for i in range(5):
        refusal(clerk.username, WRONG, ATTACKER, T0 + timedelta(seconds=i))
    rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "lockout")).all()
    assert [(r.user_id, r.summary) for r in rows] == [
        (clerk.id, f"{clerk.username} @ {ATTACKER}")]


def test_failures_older_than_the_window_are_deleted(db, clerk):
    refusal(clerk.username, WRONG, ATTACKER, T0)
    refusal("someone", WRONG, OWNER, T0 + timedelta(minutes=20))
    stored = db.session.execute(sa.select(LoginFailure.username, LoginFailure.address)).all()
    assert stored == [("someone", OWNER)]


def test_web_sign_in_is_throttled_per_address(client, clerk, app):
    def post(password, address):
        return client.post("/login", data={"username": clerk.username, "password": password},
                           environ_base={"REMOTE_ADDR": address})

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert post(WRONG, ATTACKER).status_code == 200
    assert TOO_MANY in post(PASSWORD, ATTACKER).text
    assert post(PASSWORD, OWNER).status_code == 302


@pytest.mark.parametrize("hops, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_address_behind_a_reverse_proxy(app, app_with, hops, expected):
    class ProxyConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        TRUSTED_PROXY_HOPS = hops

    proxied = app_with(ProxyConfig)
    seen = []
    proxied.before_request(lambda: seen.append(audit.request_ip()))
    proxied.test_client().get("/accessibility", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == [expected]
