"""The alert chain moves on a schedule: the scheduler hands the service its clock, steps move
at their deadlines and not before, and two runs at once (two hosts) move a step once.
Runs over a database of its own with real commits (SQLite file or PostgreSQL)."""

import random
import threading
import uuid
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from rq.cron import CronScheduler

from tests.live import fresh_database, live_app
from welfare.auth.models import User, utcnow
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.jobs import schedule
from welfare.roster.models import IsolatedElder, Person
from welfare.visits import services
from welfare.visits.models import Alert, AlertEvent, Assignment, Volunteer

TASK = "welfare.visits.alerts.run_escalation"
NOW = datetime(2026, 5, 1, 8, 0)
FIRST_DEADLINE = NOW + timedelta(hours=3)  # a level-4 no-answer alert: the volunteer's step
_rng = random.Random(5)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    url, drop = fresh_database(tmp_path_factory.mktemp("escalate"), "escalate")
    app = live_app(url)
    with app.app_context():
        staff = User(username="esc-staff", role="staff", display_name="staff")
        user = User(username="esc-volunteer", role="volunteer", display_name="volunteer")
        for account in (staff, user):
            account.set_password("x")
        db.session.add_all([staff, user, Volunteer(user=user, name="esc")])
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def _no_answer_alerts(app, count, at=NOW):
    """`count` level-4 elders of the volunteer, each with a no-answer visit at `at`."""
    with app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        volunteer = db.session.scalar(sa.select(Volunteer))
        ids = []
        for _ in range(count):
            person = Person(id_number=idno.generate(rng=_rng), name="獨居", sex="M",
                            birth_date=date(1938, 3, 3), village_id=village.id)
            elder = IsolatedElder(person=person, care_level=4)
            db.session.add(elder)
            db.session.flush()
            db.session.add(Assignment(elder_id=elder.id, primary_id=volunteer.id))
            data = {"uuid": str(uuid.uuid4()), "kind": "home_visit", "outcome": "no_answer",
                    "visited_at": (at - timedelta(minutes=5)).isoformat() + "+00:00"}
            services.record_visit(elder, data, actor=volunteer.user, volunteer=volunteer,
                                  now=at)
            ids.append(db.session.scalar(sa.select(Alert.id).where(Alert.elder_id == elder.id)))
        db.session.commit()
        db.session.remove()
    return ids


def _state(app, alert_ids):
    """{alert id: (step, number of 'escalated' events)}."""
    with app.app_context():
        steps = dict(db.session.execute(sa.select(Alert.id, Alert.step).where(
            Alert.id.in_(alert_ids))).all())
        events = dict(db.session.execute(
            sa.select(AlertEvent.alert_id, sa.func.count()).where(
                AlertEvent.alert_id.in_(alert_ids), AlertEvent.action == "escalated")
            .group_by(AlertEvent.alert_id)).all())
        db.session.remove()
    return {i: (steps[i], events.get(i, 0)) for i in alert_ids}


def _all_alerts(app):
    with app.app_context():
        ids = db.session.scalars(sa.select(Alert.id)).all()
        db.session.remove()
    return ids


def _visits(names):
    """The tasks run, without the outbox retries and the reminders."""
    return [name for name in names
            if name not in ("notify-retry", "inquiries-remind", "visits-remind")]


class FrozenClock:
    def __init__(self, now):
        self.seconds, self.utc = 0.0, now

    def tick(self, seconds):
        self.seconds += seconds
        self.utc += timedelta(seconds=seconds)


def test_the_scheduler_moves_a_step_at_its_deadline_and_not_before(live):
    [alert_id] = _no_answer_alerts(live, 1)
    clock = FrozenClock(FIRST_DEADLINE - timedelta(minutes=10))
    ticker = schedule.Ticker(live, clock=lambda: clock.seconds, now=lambda: clock.utc)
    every = live.config["VISITS_ESCALATE_SECONDS"]

    assert _visits(ticker.run_due()) == ["visits-escalate"]  # the first turn runs at once
    assert _state(live, [alert_id]) == {alert_id: (0, 0)}  # ten minutes before: no move
    clock.tick(every - 1)
    assert _visits(ticker.run_due()) == []  # not its turn yet
    clock.tick(1)
    assert clock.utc < FIRST_DEADLINE
    assert _visits(ticker.run_due()) == ["visits-escalate"]
    assert _state(live, [alert_id]) == {alert_id: (0, 0)}
    clock.tick(every)  # now past the deadline
    assert _visits(ticker.run_due()) == ["visits-escalate"]
    assert _state(live, [alert_id]) == {alert_id: (1, 1)}
    clock.tick(every)  # the same step again: nothing moves, nothing is logged twice
    ticker.run_due()
    assert _state(live, [alert_id]) == {alert_id: (1, 1)}
    assert 0 < ticker.wait_seconds() <= every


def test_two_runs_at_once_move_each_step_once(live):
    alert_ids = _no_answer_alerts(live, 6)
    for now, step in ((FIRST_DEADLINE, 1), (NOW + timedelta(hours=8), 3)):
        before = _state(live, _all_alerts(live))
        barrier = threading.Barrier(2)
        moved = []

        def run(at=now, barrier=barrier, moved=moved):
            barrier.wait()
            moved.append(schedule.run_task(live, TASK, at))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(moved) == 2 and None not in moved, moved  # neither run failed
        after = _state(live, before)
        changed = sum(1 for i in before if after[i] != before[i])
        assert changed >= len(alert_ids)
        assert sum(moved) == changed, moved  # each alert moved by one run only
        assert _state(live, alert_ids) == {i: (step, step) for i in alert_ids}


def test_the_in_process_scheduler_runs_only_when_asked(live, app):
    assert "welfare_ticker" not in app.extensions  # tests never start it themselves
    [alert_id] = _no_answer_alerts(live, 1, at=utcnow() - timedelta(hours=4))
    asked = live_app(live.config["SQLALCHEMY_DATABASE_URI"], SCHEDULER=True)
    ticker = asked.extensions["welfare_ticker"]
    try:
        assert ticker.thread.is_alive()
        deadline = utcnow() + timedelta(seconds=30)
        while _state(live, [alert_id])[alert_id][0] == 0 and utcnow() < deadline:
            ticker.stopped.wait(0.1)
        assert _state(live, [alert_id]) == {alert_id: (1, 1)}  # no page was opened
    finally:
        ticker.stop()
        with asked.app_context():
            db.engine.dispose()
    assert not ticker.thread.is_alive()
    redis_app = live_app(live.config["SQLALCHEMY_DATABASE_URI"], SCHEDULER=True,
                         REDIS_URL="redis://127.0.0.1:1/0")
    assert "welfare_ticker" not in redis_app.extensions  # `rq cron` does the work there
    with redis_app.app_context():
        db.engine.dispose()


def test_rq_cron_enqueues_the_escalation_on_the_queue(app):
    import redis

    scheduler = CronScheduler(connection=redis.Redis())  # registering needs no server
    scheduler.load_config_from_file("welfare.jobs.cron")
    [job] = [j for j in scheduler.get_jobs() if j.args == (TASK,)]
    assert job.func_name == "welfare.jobs.runner.run_scheduled"
    assert (job.interval, job.queue_name) == (300, "welfare")


def failing_task(now=None):
    raise RuntimeError("the database went away")


def test_a_failing_turn_is_logged_and_the_scheduler_goes_on(live, caplog):
    other = live_app(live.config["SQLALCHEMY_DATABASE_URI"])
    schedule.every(other, "failing", f"{__name__}.failing_task", 60)
    clock = FrozenClock(NOW)
    ticker = schedule.Ticker(other, clock=lambda: clock.seconds, now=lambda: clock.utc)
    assert _visits(ticker.run_due()) == ["visits-escalate", "failing"]
    assert "scheduled task tests.visits.test_escalation_schedule.failing_task failed" in (
        caplog.text)
    clock.tick(60)
    assert _visits(ticker.run_due()) == ["failing"]  # its next turn still comes
    with pytest.raises(RuntimeError):  # under RQ the failure is the job's
        schedule.run_task(other, f"{__name__}.failing_task", keep_going=False)
    with other.app_context():
        db.engine.dispose()


def test_flask_run_debug_starts_it_in_the_serving_child_only(live, monkeypatch):
    url = live.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    watcher = live_app(url, SCHEDULER=True, DEBUG=True)
    assert "welfare_ticker" not in watcher.extensions
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    child = live_app(url, SCHEDULER=True, DEBUG=True, VISITS_ESCALATE_SECONDS=3600)
    child.extensions["welfare_ticker"].stop()
    for app in (watcher, child):
        with app.app_context():
            db.engine.dispose()
