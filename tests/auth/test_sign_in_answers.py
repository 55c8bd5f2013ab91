"""Sign-in answers tell nobody whether a name exists: same bytes, same work, similar time."""

import hashlib
import re
import statistics
import time

import pytest

from tests.conftest import PASSWORD
from welfare.auth import services

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="[^"]*"')
NONCE = re.compile(rb"nonce-?[=\"']?[A-Za-z0-9_\-+/=]+")


def attempt(client, username, password, address="192.0.2.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def comparable(response, username):
    """Status, headers and body, with the echoed name, any CSRF token and the per-response
    CSP nonce taken out."""
    body = NONCE.sub(b"", CSRF.sub(b"", response.data)).replace(username.encode(), b"NAME")
    headers = sorted((k, NONCE.sub(b"", v.encode()).decode())
                     for k, v in response.headers.items() if k not in ("Set-Cookie", "Date"))
    cookies = sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))
    return response.status_code, headers, cookies, body


@pytest.fixture
def known(make_user):
    return make_user("staff", username="known_0001")


UNKNOWN = "nobody_001"  # as long as the known name, so the echoed field has the same size


def test_wrong_password_and_unknown_name_get_the_same_bytes(client, known):
    wrong = attempt(client, known.username, "not the password")
    unknown = attempt(client, UNKNOWN, "not the password")
    assert wrong.status_code == 200
    assert "帳號或密碼不正確" in wrong.text
    assert comparable(wrong, known.username) == comparable(unknown, UNKNOWN)


def test_disabled_account_gets_the_same_bytes_as_an_unknown_name(client, known, db):
    known.is_active_account = False
    db.session.flush()
    disabled = attempt(client, known.username, PASSWORD)
    unknown = attempt(client, UNKNOWN, PASSWORD)
    assert comparable(disabled, known.username) == comparable(unknown, UNKNOWN)


def test_locked_known_and_locked_unknown_names_get_the_same_bytes(client, known, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        attempt(client, known.username, "wrong")
        attempt(client, UNKNOWN, "wrong")
    locked_known = attempt(client, known.username, PASSWORD)
    locked_unknown = attempt(client, UNKNOWN, PASSWORD)
    assert "登入失敗次數過多" in locked_known.text
    assert comparable(locked_known, known.username) == comparable(locked_unknown, UNKNOWN)
    assert client.get("/").status_code == 302


@pytest.fixture
def hash_calls(monkeypatch):
    """Counts the expensive key derivations werkzeug's password hashes run."""
    services.dummy_password_hash()  # made once per process; not part of a sign-in
    calls = []
    for name in ("scrypt", "pbkdf2_hmac"):
        real = getattr(hashlib, name)

        def counted(*args, _real=real, **kwargs):
            calls.append(1)
            return _real(*args, **kwargs)

        monkeypatch.setattr(hashlib, name, counted)
    return calls


def test_unknown_names_cost_one_hash_like_known_ones(client, known, db, hash_calls, app):
    counts = {}
    for label, name, password in [("wrong password", known.username, "nope"),
                                  ("unknown name", UNKNOWN, "nope"),
                                  ("right password", known.username, PASSWORD)]:
        hash_calls.clear()
        attempt(client, name, password, address=f"192.0.2.{len(counts) + 10}")
        counts[label] = len(hash_calls)
    assert counts == {"wrong password": 1, "unknown name": 1, "right password": 1}
    known.is_active_account = False
    db.session.flush()
    hash_calls.clear()
    attempt(client, known.username, PASSWORD, address="192.0.2.20")
    assert len(hash_calls) == 1
    # Throttled attempts check nothing, for known and unknown names alike.
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        attempt(client, known.username, "nope", address="192.0.2.21")
        attempt(client, UNKNOWN, "nope", address="192.0.2.21")
    hash_calls.clear()
    attempt(client, known.username, PASSWORD, address="192.0.2.21")
    attempt(client, UNKNOWN, PASSWORD, address="192.0.2.21")
    assert hash_calls == []


def test_dummy_hash_uses_the_method_of_real_hashes(known):
    method = known.password_hash.split("$", 1)[0]
    assert services.dummy_password_hash().split("$", 1)[0] == method


def test_measured_times_of_known_and_unknown_names(client, known):
    """Prints the times. The exact check is the hash count above; timing on a shared machine
    is noisy, so this only asserts a loose factor between interleaved medians."""
    times = {"known": [], "unknown": []}
    for i in range(7):  # interleaved, so machine load hits both alike
        for label, name in (("known", known.username), ("unknown", UNKNOWN)):
            started = time.perf_counter()
            response = attempt(client, name, "nope", address=f"198.51.100.{i}")
            times[label].append(time.perf_counter() - started)
            assert response.status_code == 200
    known_ms = statistics.median(times["known"]) * 1000
    unknown_ms = statistics.median(times["unknown"]) * 1000
    print(f"\nsign-in with a wrong password: known name {known_ms:.1f} ms, "
          f"unknown name {unknown_ms:.1f} ms (medians of 7)")
    assert 1 / 3 < unknown_ms / known_ms < 3
