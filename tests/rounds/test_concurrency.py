"""Racing clerks: only one payout per person ever becomes effective, with one audit row.

Each clerk is a thread with its own connection and real commits: on PostgreSQL in the test
database (`committed_db`), on SQLite in a database file of the test's own, where writers
take turns (WAL, BEGIN IMMEDIATE at the first write: welfare.sqlite_writes)."""

import threading
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.live import Server, fresh_database, live_app
from welfare.auth.models import AuditLog, User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Person
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import Payout, RoundEntry

CLERKS = 8


@pytest.fixture
def race_app(request, app, tmp_path):
    """An app whose sessions commit for real: the test app over PostgreSQL, else an app
    over a SQLite file of this test's own (its app context pushed)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        request.getfixturevalue("committed_db")
        yield app
        return
    url, _drop = fresh_database(tmp_path, "race")
    assert url.startswith("sqlite:///"), url
    own = live_app(url)
    with own.app_context():
        yield own
        db.session.remove()
        db.engine.dispose()


def _setup(app):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    users = []
    for index in range(CLERKS + 1):
        user = User(username=f"clerk{index}", role="staff", display_name=f"clerk {index}")
        user.set_password(PASSWORD)
        users.append(user)
    supervisor = User(username="boss", role="supervisor", display_name="boss")
    supervisor.set_password("x")
    person = Person(id_number=idno.generate(), name="賽跑", sex="F",
                    birth_date=date(1940, 1, 1), village_id=village.id, address="x")
    db.session.add_all([*users, supervisor, person])
    db.session.flush()
    today = date.today()
    data = services.new_round_data("double_ninth", today.year) | {
        "name": "race", "payout_start": today - timedelta(days=1),
        "payout_end": today + timedelta(days=1), "late_claim_end": today + timedelta(days=2)}
    round_ = services.create_round(data, actor=users[0])
    services.freeze_round(round_, actor=users[0])
    services.approve_round(round_, actor=supervisor)
    db.session.commit()
    entry_id = db.session.scalar(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    return entry_id, [u.id for u in users[1:]]


def _race(app, clerk_ids, attempt):
    """Run attempt(clerk_id) in one thread per clerk, each in its own session; the
    attempt calls ready() once it has read what it needs, and all then write at once."""
    barrier = threading.Barrier(len(clerk_ids))
    results = []

    def clerk(user_id):
        with app.app_context():
            try:
                attempt(user_id, barrier.wait)
                db.session.commit()
                results.append("ok")
            except payouts.AlreadyRecorded as exc:
                db.session.rollback()
                results.append(("refused", str(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(uid,)) for uid in clerk_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # every clerk got an answer: a success or the clear refusal, never a database error
    assert len(results) == len(clerk_ids), results
    return results


def _effective_and_audited(entry_id):
    effective = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None)))
    audited = db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "payout"))
    return effective, audited


def test_racing_clerks_record_one_payout(race_app):
    entry_id, clerk_ids = _setup(race_app)
    db.session.remove()
    outcomes = {uid: "elder" if i % 2 else "waived" for i, uid in enumerate(clerk_ids)}

    def attempt(user_id, ready):
        entry = db.session.get(RoundEntry, entry_id)
        actor = db.session.get(User, user_id)
        ready()
        payouts.record_payout(entry, outcomes[user_id], actor=actor)

    results = _race(race_app, clerk_ids, attempt)
    # one winner; every other clerk got the clear "already recorded" refusal, nothing else
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and r[1] for r in results if r != "ok")
    effective = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None)))
    assert effective == 1


def test_one_tap_race_after_every_clerk_saw_no_outcome(race_app):
    """The counter's path: each clerk read the claim (no outcome yet) before anyone wrote,
    so only the partial unique index stands between them and a second payout."""
    entry_id, clerk_ids = _setup(race_app)
    round_id = db.session.get(RoundEntry, entry_id).round_id
    db.session.remove()

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_id is None
        ready()
        payouts.record_claim(claim, "elder", actor=actor)

    results = _race(race_app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and "賽跑" in r[1] for r in results if r != "ok")
    # one payout and one audit row: the losers' audit rows never reached the database
    assert _effective_and_audited(entry_id) == (1, 1)


def test_racing_claims_supersede_a_not_found_once(race_app):
    """Every clerk saw the same 未遇 and records a claim over it: one reversal, one payout."""
    entry_id, clerk_ids = _setup(race_app)
    entry = db.session.get(RoundEntry, entry_id)
    payouts.record_payout(entry, "not_found", actor=db.session.get(User, clerk_ids[0]))
    db.session.commit()
    round_id = entry.round_id
    db.session.remove()

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_outcome == "not_found"
        ready()
        payouts.record_claim(claim, "elder", actor=actor)

    results = _race(race_app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    rows = db.session.execute(sa.select(Payout.outcome, Payout.reversed_at.is_(None))
                              .where(Payout.entry_id == entry_id).order_by(Payout.id)).all()
    assert [tuple(r) for r in rows] == [("not_found", False), ("elder", True)]
    assert _effective_and_audited(entry_id) == (1, 2)


@pytest.fixture
def tap_server(tmp_path):
    """A real threaded server over a database of its own (SQLite file or PostgreSQL)."""
    url, drop = fresh_database(tmp_path, "tap")
    live = Server(live_app(url))
    try:
        yield live
    finally:
        live.stop()
        drop()


def test_eight_clerks_press_paid_for_one_elder_at_once(tap_server):
    """The one-tap button through the server, each request on its own connection: one
    payout and one audit row; every other clerk is sent back to the person with the
    refusal, and no request fails."""
    app = tap_server.app
    with app.app_context():
        entry_id, clerk_ids = _setup(app)
        round_id = db.session.get(RoundEntry, entry_id).round_id
        names = [db.session.get(User, uid).username for uid in clerk_ids]
        db.session.remove()
    clerks = []
    for name in names:
        session = requests.Session()
        signed_in = session.post(f"{tap_server.url}/login", allow_redirects=False,
                                 data={"username": name, "password": PASSWORD}, timeout=60)
        assert signed_in.status_code == 302, signed_in.text[:300]
        clerks.append(session)
    barrier, answers = threading.Barrier(len(clerks)), []

    def press(session):
        barrier.wait()
        answers.append((session, session.post(
            f"{tap_server.url}/rounds/{round_id}/entries/{entry_id}/paid",
            allow_redirects=False, timeout=60)))

    threads = [threading.Thread(target=press, args=(s,)) for s in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not tap_server.errors, tap_server.errors
    assert [a.status_code for _s, a in answers] == [302] * CLERKS, answers
    places = sorted(a.headers["Location"] for _s, a in answers)
    assert sum("paid=" in p for p in places) == 1, places
    assert sum("q=" in p for p in places) == CLERKS - 1, places
    with app.app_context():
        assert _effective_and_audited(entry_id) == (1, 1)
        payout = db.session.scalar(sa.select(Payout).where(Payout.entry_id == entry_id))
        assert (payout.outcome, payout.source) == ("elder", "counter")
        db.session.remove()
    # each refused clerk is told why, as an error notice on the page the redirect leads to
    refusals = ("其他人剛剛已登錄 賽跑 的發放結果。", "賽跑 已登錄：")
    for session, answer in answers:
        if "q=" in answer.headers["Location"]:
            page = session.get(f"{tap_server.url}{answer.headers['Location']}", timeout=60)
            assert page.status_code == 200
            notice = page.text.split('class="notice notice-error"', 1)[1].split("</div>")[0]
            assert any(text in notice for text in refusals), notice


def test_one_tap_costs_two_reads_one_write_and_one_commit(tap_server):
    """The counter's fast path through the unit of work adds no round trip: the user, the
    claim, then the payout with its audit row (one statement on PostgreSQL), one COMMIT;
    nothing is read again after it. A refusal reads the same two rows and commits nothing."""
    app = tap_server.app
    with app.app_context():
        entry_id, clerk_ids = _setup(app)
        round_id = db.session.get(RoundEntry, entry_id).round_id
        name = db.session.get(User, clerk_ids[0]).username
        engine, postgres = db.engine, db.engine.dialect.name == "postgresql"
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    statements, commits = [], []

    def executed(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    def committed(conn):
        commits.append(1)

    sa.event.listen(engine, "before_cursor_execute", executed)
    sa.event.listen(engine, "commit", committed)
    try:
        answers = []
        for _attempt in range(2):
            statements.clear(), commits.clear()
            answer = client.post(f"/rounds/{round_id}/entries/{entry_id}/paid")
            answers.append((answer.headers["Location"], list(statements), len(commits)))
    finally:
        sa.event.remove(engine, "before_cursor_execute", executed)
        sa.event.remove(engine, "commit", committed)
    (paid, first, first_commits), (refused, second, second_commits) = answers
    assert "paid=" in paid and "q=" in refused, answers
    assert first == (["SELECT", "SELECT", "WITH"] if postgres
                     else ["SELECT", "SELECT", "INSERT", "INSERT"]), first
    assert first_commits == 1
    assert (second, second_commits) == (["SELECT", "SELECT"], 0)
