"""Concurrent writers through a real server over a database of their own (a SQLite file,
the embedded default, or PostgreSQL with TEST_DATABASE_URL): replays of one visit, visit
syncs and payouts while a background recount runs and pages are read. No request may
answer 500 ("database is locked" on SQLite)."""

import random
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.live import Server, fresh_database, live_app
from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.jobs import services as jobs
from welfare.jobs.models import Job
from welfare.reports import snapshots
from welfare.roster.models import Household, HouseholdMember, IsolatedElder, Person
from welfare.rounds import services as rounds
from welfare.rounds.models import BankAccount, Payout, RoundEntry
from welfare.visits import tokens
from welfare.visits.models import Assignment, Visit, Volunteer

ELDERS = 12
REPLAYS = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url, drop = fresh_database(tmp_path_factory.mktemp("concurrent"), "concurrent")
    app = live_app(url, REPORTS_CACHE_SECONDS=0)
    live = Server(app)
    live.seed = _seed(app)
    try:
        yield live
    finally:
        live.stop()
        drop()


def _seed(app):
    """Staff, a volunteer with a token and elders, households, an approved round."""
    rng = random.Random(11)
    with app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        users = {}
        for role in ("admin", "staff", "supervisor", "volunteer"):
            users[role] = User(username=f"live-{role}", role=role, display_name=role)
            users[role].set_password(PASSWORD)
        volunteer = Volunteer(user=users["volunteer"], name="live")
        people = [Person(id_number=idno.generate(rng=rng), name=f"長者{i}", sex="F",
                         birth_date=date(1940, 1, 1 + i), village_id=village.id,
                         address=f"林園北路{i}號") for i in range(ELDERS * 2)]
        db.session.add_all([*users.values(), volunteer, *people])
        db.session.flush()
        elders = [IsolatedElder(person=p, care_level=2) for p in people[:ELDERS]]
        db.session.add_all(elders)
        for index, person in enumerate(people[ELDERS:]):
            home = Household(household_no=f"H{index:04d}", village_id=village.id,
                             address=person.address, head_id=person.id)
            db.session.add(home)
            db.session.flush()
            db.session.add(HouseholdMember(household_id=home.id, person_id=person.id,
                                           relationship_to_head="戶長"))
            db.session.add(BankAccount(person_id=person.id, bank="post_office",
                                       account_number=f"000{index:08d}", holder_name=person.name))
        db.session.flush()
        db.session.add_all([Assignment(elder_id=e.id, primary_id=volunteer.id) for e in elders])
        today = date.today()
        data = rounds.new_round_data("double_ninth", today.year) | {
            "name": "live", "payout_start": today - timedelta(days=1),
            "payout_end": today + timedelta(days=1), "late_claim_end": today + timedelta(days=2)}
        round_ = rounds.create_round(data, actor=users["staff"])
        rounds.freeze_round(round_, actor=users["staff"])
        rounds.approve_round(round_, actor=users["supervisor"])
        token = tokens.issue_token(users["volunteer"], 14)
        snapshots.refresh(today)
        db.session.commit()
        entry_ids = db.session.scalars(sa.select(RoundEntry.id).where(
            RoundEntry.round_id == round_.id).order_by(RoundEntry.id)).all()
        return {"token": token, "elder_ids": [e.id for e in elders], "round_id": round_.id,
                "entry_ids": entry_ids}


def _visit(elder_id, notes="電話問安"):
    return {"uuid": str(uuid.uuid4()), "elder_id": elder_id, "kind": "phone_call",
            "outcome": "met_well", "notes": notes,
            "visited_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}


def _signed_in(server, role):
    session = requests.Session()
    response = session.post(f"{server.url}/login", allow_redirects=False,
                            data={"username": f"live-{role}", "password": PASSWORD})
    assert response.status_code == 302, response.text[:300]
    return session


def _all_at_once(calls):
    """Run each call in its own thread, released together; [(label, status, seconds)]."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(label, call):
        barrier.wait()
        started = time.perf_counter()
        try:
            status = call().status_code
        except requests.RequestException as exc:
            status = repr(exc)
        results.append((label, status, time.perf_counter() - started))

    threads = [threading.Thread(target=run, args=item) for item in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == len(calls), "a request never answered"
    return results


def _report(title, results, seconds):
    statuses = Counter((label, status) for label, status, _s in results)
    slowest = max(s for _l, _st, s in results)
    print(f"\n{title}: {len(results)} requests in {seconds:.2f} s (slowest {slowest:.2f} s): "
          + ", ".join(f"{label} {status} x{n}" for (label, status), n in sorted(
              statuses.items(), key=str)))


def test_twenty_replays_of_one_visit_store_it_once(server):
    body = _visit(server.seed["elder_ids"][0], notes="離線補傳")
    headers = {"Authorization": f"Bearer {server.seed['token']}"}
    started = time.perf_counter()
    results = _all_at_once([
        ("replay", lambda: requests.post(f"{server.url}/api/v1/visits", json=body,
                                         headers=headers, timeout=60))
        for _ in range(REPLAYS)])
    _report("replays", results, time.perf_counter() - started)
    statuses = [status for _l, status, _s in results]
    assert sorted(set(statuses), key=str) == [200, 201] or set(statuses) == {201}, statuses
    assert statuses.count(201) == 1, statuses
    assert not server.errors, server.errors
    with server.app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
            Visit.uuid == body["uuid"]))
        db.session.remove()
    assert stored == 1


def _recounting(app, stop, counted):
    """The background recount, again and again, as the statistics page starts it."""
    with app.app_context():
        while not stop.is_set():
            job_id = jobs.enqueue("reports_recount", "welfare.reports.snapshots.recount_job",
                                  date.today().isoformat()).id
            db.session.commit()  # the job starts once its row is committed
            db.session.remove()
            # A recount begun before the writers finished is waited for (on a loaded machine
            # the writers may all finish before the first recount does).
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = db.session.scalar(sa.select(Job.status).where(Job.id == job_id))
                db.session.remove()
                if status in ("done", "failed"):
                    counted.append(status)
                    break
                time.sleep(0.02)


def test_writers_during_a_recount_and_page_reads_never_fail(server):
    seed = server.seed
    token = {"Authorization": f"Bearer {seed['token']}"}
    clerk, reader = _signed_in(server, "staff"), _signed_in(server, "admin")
    round_id = seed["round_id"]
    visits = [_visit(seed["elder_ids"][i % ELDERS]) for i in range(10)]
    calls = [("visit", lambda b=b: requests.post(f"{server.url}/api/v1/visits", json=b,
                                                 headers=token, timeout=60)) for b in visits]
    calls += [("payout", lambda e=e: clerk.post(
        f"{server.url}/rounds/{round_id}/entries/{e}/paid", allow_redirects=False, timeout=60))
        for e in seed["entry_ids"][:10]]
    pages = ["/reports", "/people", "/households/export.csv", "/visits/",
             f"/rounds/{round_id}/bank/post_office.csv", "/visits/alerts"]
    calls += [("page", lambda p=p: reader.get(f"{server.url}{p}", timeout=60))
              for p in pages * 2]
    stop, counted = threading.Event(), []
    recount = threading.Thread(target=_recounting, args=(server.app, stop, counted))
    recount.start()
    started = time.perf_counter()
    try:
        results = _all_at_once(calls)
    finally:
        stop.set()
        recount.join(timeout=60)
    _report("writers, recount and pages", results, time.perf_counter() - started)
    print(f"recounts during the run: {Counter(counted)}")
    failed = [r for r in results if not isinstance(r[1], int) or r[1] >= 500]
    assert not failed, failed
    assert not server.errors, server.errors
    assert all(status == 201 for label, status, _s in results if label == "visit"), results
    assert all(status == 302 for label, status, _s in results if label == "payout"), results
    assert all(status == 200 for label, status, _s in results if label == "page"), results
    assert "failed" not in counted and counted, counted
    with server.app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
            Visit.uuid.in_([v["uuid"] for v in visits])))
        paid = db.session.scalar(sa.select(sa.func.count()).select_from(Payout).where(
            Payout.entry_id.in_(seed["entry_ids"][:10]), Payout.reversed_at.is_(None)))
        db.session.remove()
    assert (stored, paid) == (10, 10)
