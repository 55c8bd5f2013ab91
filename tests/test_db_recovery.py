"""Lost database connections: PostgreSQL backends terminated (pg_terminate_backend) while
payouts and visit syncs are in flight. The requests in flight answer 503 (an error page, or
a problem body for the phone API) with nothing half-written; the pool reconnects by itself
and the next requests succeed."""

import threading
import time
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from tests.live import Server, fresh_database, live_app
from tests.test_concurrent_writes import _seed, _signed_in, _visit
from welfare.auth.models import AuditLog
from welfare.extensions import db
from welfare.rounds.models import Payout
from welfare.visits.models import Visit

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(tmp_path):
    url, drop = fresh_database(tmp_path, "recovery")
    if not url.startswith("postgresql"):
        drop()
        pytest.skip("terminating backends needs PostgreSQL (set TEST_DATABASE_URL)")
    app = live_app(url, REPORTS_CACHE_SECONDS=0)
    live = Server(app)
    live.seed = _seed(app)
    live.killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        yield live
    finally:
        live.stop()
        live.killer.dispose()
        drop()


def _terminate_all(server):
    """End every backend of the app's database but this one; how many."""
    with server.killer.connect() as conn:
        return len(conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())


class TerminateBefore:
    """Terminate the backend of the connection about to run the first statement that
    contains `marker`, as if the server had been restarted at that moment."""

    def __init__(self, server, marker):
        self.server, self.marker, self.fired = server, marker, 0
        with server.app.app_context():
            self.engine = db.engine

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.fired or self.marker not in statement.upper():
            return
        self.fired += 1
        pid = conn.connection.dbapi_connection.info.backend_pid
        with self.server.killer.connect() as killer:
            killer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def _counts(server):
    with server.app.app_context():
        payouts = db.session.scalar(sa.select(sa.func.count(Payout.id)))
        audited = db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
            AuditLog.action == "payout"))
        visits = db.session.scalar(sa.select(sa.func.count(Visit.id)))
        db.session.remove()
    return payouts, audited, visits


def test_a_payout_whose_connection_dies_answers_503_and_the_next_one_succeeds(server):
    clerk = _signed_in(server, "staff")
    entry = server.seed["entry_ids"][0]
    paid = f"{server.url}/rounds/{server.seed['round_id']}/entries/{entry}/paid"
    before = _counts(server)
    with TerminateBefore(server, "INSERT INTO GIFT_PAYOUTS") as cut:
        response = clerk.post(paid, allow_redirects=False, timeout=30)
    assert cut.fired == 1
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "系統暫時無法使用" in response.text and "Traceback" not in response.text
    assert _counts(server) == before  # nothing half-written: no payout, no audit row
    response = clerk.post(paid, allow_redirects=False, timeout=30)  # the clerk taps again
    assert response.status_code == 302
    assert _counts(server)[:2] == (before[0] + 1, before[1] + 1)
    assert not server.errors, server.errors


def test_a_visit_sync_whose_connection_dies_gets_a_problem_body_and_its_replay_is_stored(
        server):
    headers = {"Authorization": f"Bearer {server.seed['token']}"}
    body = _visit(server.seed["elder_ids"][0])
    with TerminateBefore(server, "INSERT INTO VISITS") as cut:
        response = requests.post(f"{server.url}/api/v1/visits", json=body, headers=headers,
                                 timeout=30)
    assert cut.fired == 1
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503 and "Traceback" not in response.text
    assert _counts(server)[2] == 0
    # the phone's outbox keeps the record after a 5xx and sends it again
    response = requests.post(f"{server.url}/api/v1/visits", json=body, headers=headers,
                             timeout=30)
    assert response.status_code == 201
    assert _counts(server)[2] == 1


def test_backends_terminated_during_a_burst_of_payouts_and_syncs(server):
    seed = server.seed
    token = {"Authorization": f"Bearer {seed['token']}"}
    clerks = [_signed_in(server, "staff") for _ in range(4)]
    round_id = seed["round_id"]
    visits = [_visit(seed["elder_ids"][i % len(seed["elder_ids"])]) for i in range(12)]
    calls = [("visit", lambda b=b: requests.post(f"{server.url}/api/v1/visits", json=b,
                                                 headers=token, timeout=60)) for b in visits]
    calls += [("payout", lambda e=e, c=clerks[i % 4]: c.post(
        f"{server.url}/rounds/{round_id}/entries/{e}/paid", allow_redirects=False,
        timeout=60)) for i, e in enumerate(seed["entry_ids"])]
    results, stop, terminated = [], threading.Event(), []

    def killing():
        while not stop.is_set():
            terminated.append(_terminate_all(server))
            time.sleep(0.05)

    def run(label, call):
        try:
            results.append((label, call, call().status_code))
        except requests.RequestException as exc:
            results.append((label, call, repr(exc)))

    killer = threading.Thread(target=killing)
    threads = [threading.Thread(target=run, args=item) for item in calls]
    killer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    killer.join(timeout=30)
    statuses = Counter((label, status) for label, _c, status in results)
    print(f"\nburst: {sum(terminated)} backends terminated; {dict(statuses)}")
    assert len(results) == len(calls)
    assert sum(terminated) > 0
    assert {s for (label, s) in statuses if label == "payout"} <= {302, 503}, statuses
    assert {s for (label, s) in statuses if label == "visit"} <= {201, 503}, statuses
    assert not server.errors, server.errors  # no 500, no trace
    payouts, audited, _stored = _counts(server)
    assert payouts == audited  # every stored payout has its audit row: none half-written
    # (a backend ended during COMMIT may have committed before it went: counted, answered 503)
    assert payouts >= statuses[("payout", 302)]

    # The pool reconnects by itself: what failed succeeds when sent again, within seconds.
    started = time.monotonic()
    retried = [(label, call().status_code) for label, call, status in results if status == 503]
    took = time.monotonic() - started
    print(f"{len(retried)} requests sent again in {took:.2f} s: {Counter(retried)}")
    assert all(status in (200, 201, 302) for _label, status in retried), retried
    assert took < 10
    assert _counts(server) == (len(seed["entry_ids"]), len(seed["entry_ids"]), len(visits))
