"""Jobs that cannot be orphaned: a process killed mid-job (a thread of the web process, or
an RQ worker) leaves the job failed with a message after recovery, and running it again
gives what an uninterrupted run gives."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

import sqlalchemy as sa

from tests.jobs.conftest import REDIS_URL
from tests.live import live_app
from tests.rounds import conftest as rounds_fixtures
from welfare.auth.models import utcnow
from welfare.extensions import db as _db
from welfare.jobs import enqueue, progress, recovery
from welfare.jobs import services as job_services
from welfare.jobs.models import Job
from welfare.jobs.services import result_dir

approved_round, elders, make_round = (rounds_fixtures.approved_round, rounds_fixtures.elders,
                                      rounds_fixtures.make_round)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def slow_count(job_id, n, delay):
    """A job that takes n * delay seconds and writes the same file every time."""
    for i in range(1, n + 1):
        time.sleep(delay)
        progress(job_id, i, n)
    (result_dir() / f"count-{job_id}.txt").write_text(" ".join(map(str, range(1, n + 1))))
    return {"path": f"count-{job_id}.txt", "name": "count.txt", "message": "counted"}


CHILD = """
import sys, time
from tests.jobs.conftest import REDIS_URL
from tests.live import live_app
from welfare.extensions import db
from welfare.jobs import enqueue
app = live_app(sys.argv[1], REDIS_URL=sys.argv[2])
with app.app_context():
    job = enqueue("count", "tests.jobs.test_recovery.slow_count", 20, 0.25)
    db.session.commit()
    print(job.id, flush=True)
time.sleep(600)
"""


def _env(instance):
    return {**os.environ, "PYTHONPATH": ROOT, "WELFARE_INSTANCE": str(instance)}


def _wait(app, job_id, check, seconds=30):
    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            job = _db.session.get(Job, job_id)
            _db.session.rollback()
            if check(job):
                return job
            time.sleep(0.1)
    raise AssertionError(f"job {job_id}: {job.status} {job.done}/{job.total} {job.message}")


def _kill_mid_job(app, url, redis_url, tmp_path):
    """Start a counting job in a child process, SIGKILL it three steps in: the job id."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, redis_url], cwd=ROOT,
                             env=_env(tmp_path), stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        job_id = int(child.stdout.readline())
        return job_id, child
    except Exception:
        os.killpg(child.pid, signal.SIGKILL)
        raise


def test_a_job_killed_in_the_web_process_is_failed_and_runs_again(file_app, tmp_path):
    url = file_app.config["SQLALCHEMY_DATABASE_URI"]
    job_id, child = _kill_mid_job(file_app, url, "", tmp_path)
    _wait(file_app, job_id, lambda j: j.status == "running" and j.done >= 3)
    os.killpg(child.pid, signal.SIGKILL)  # a crash, an out-of-memory kill, a power cut
    child.wait()
    child.stdout.close()
    with file_app.app_context():
        assert _db.session.get(Job, job_id).status == "running"  # nothing else will end it
        _db.session.rollback()
        assert recovery.recover() == [job_id]  # its process is gone: at once, at start-up
        job = _db.session.get(Job, job_id)
        assert job.status == "failed" and job.finished_at is not None
        assert job.message.startswith("作業中斷（已完成 ") and "/ 20），請重新執行。" in job.message
        assert recovery.recover() == []  # a second look changes nothing
        job_services.again(job, actor=None)
        _db.session.commit()
    job = _wait(file_app, job_id, lambda j: j.finished)
    assert (job.status, job.attempt, job.done, job.message) == ("done", 2, 20, "counted")
    assert (tmp_path / "jobs" / job.result_path).read_text() == " ".join(
        str(i) for i in range(1, 21))  # what an uninterrupted run writes


def test_a_silent_job_on_another_host_is_failed_after_its_heartbeat_stops(file_app):
    with file_app.app_context():
        now = utcnow()
        job = Job(kind="count", status="running", done=7, total=24, message="",
                  worker="elsewhere:123:456", started_at=now - timedelta(minutes=2),
                  heartbeat_at=now - timedelta(seconds=2), func_path="x", args="[]")
        _db.session.add(job)
        _db.session.commit()
        assert recovery.recover(now) == []  # its heartbeat is fresh: it may still finish
        assert recovery.recover(now + timedelta(seconds=5)) == [job.id]
        _db.session.refresh(job)
        assert (job.status, job.message) == ("failed", "作業中斷（已完成 7 / 24），請重新執行。")


def test_a_job_past_its_time_limit_is_failed(file_app):
    with file_app.app_context():
        now = utcnow()
        job = Job(kind="count", status="running", done=1, total=2, message="",
                  worker=recovery.identity(), heartbeat_at=now, func_path="x", args="[]",
                  started_at=now - timedelta(seconds=file_app.config["JOBS_TIMEOUT_SECONDS"]
                                             + 61))
        _db.session.add(job)
        _db.session.commit()
        assert recovery.recover(now) == [job.id]
        _db.session.refresh(job)
        assert job.status == "failed" and "60 分鐘的時限" in job.message


def test_a_thread_job_stops_at_its_time_limit(file_app):
    file_app.config["JOBS_TIMEOUT_SECONDS"] = 1
    with file_app.app_context():
        job = enqueue("count", "tests.jobs.test_recovery.slow_count", 20, 0.25)
        _db.session.commit()
        job_id = job.id
    job = _wait(file_app, job_id, lambda j: j.finished)
    assert job.status == "failed" and job.done < 20 and "時限" in job.message


def test_the_scheduler_looks_for_interrupted_jobs(file_app):
    from welfare.jobs import schedule

    other = live_app(file_app.config["SQLALCHEMY_DATABASE_URI"], JOBS_RECOVER_SECONDS=20)
    assert schedule.tasks(other)["jobs-recover"] == ("welfare.jobs.recovery.recover_task", 20)
    assert "jobs-recover" not in schedule.tasks(file_app)  # tests switch it off


def _worker(tmp_path, url, *extra):
    env = {**_env(tmp_path), "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
           "JOBS_HEARTBEAT_SECONDS": "0.5"}
    return subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "rq"), "worker",
                             "--url", REDIS_URL, *extra, "welfare"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_a_job_killed_on_an_rq_worker_is_failed_and_runs_again(file_app, tmp_path,
                                                                 redis_queue):
    file_app.config["REDIS_URL"] = REDIS_URL
    url = file_app.config["SQLALCHEMY_DATABASE_URI"]
    worker = _worker(tmp_path, url)
    try:
        with file_app.app_context():
            job = enqueue("count", "tests.jobs.test_recovery.slow_count", 20, 0.25)
            _db.session.commit()
            job_id = job.id
        running = _wait(file_app, job_id, lambda j: j.status == "running" and j.done >= 3)
        horse = int(running.worker.split(":")[1])
        assert horse != worker.pid  # RQ forks a work horse into a session of its own
        os.kill(horse, signal.SIGKILL)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the whole machine went down
        worker.wait()
    time.sleep(0.5)
    with file_app.app_context():
        assert recovery.recover() == [job_id]
        job = _db.session.get(Job, job_id)
        assert job.status == "failed" and job.message.startswith("作業中斷（已完成 ")
        job_services.again(job, actor=None)
        _db.session.commit()
    worker = _worker(tmp_path, url, "--burst")  # runs the queue dry, then stops
    try:
        job = _wait(file_app, job_id, lambda j: j.finished, seconds=60)
    finally:
        worker.wait(timeout=60)
    assert (job.status, job.attempt, job.done) == ("done", 2, 20)
    assert (tmp_path / "jobs" / job.result_path).read_text() == " ".join(
        str(i) for i in range(1, 21))


def test_rq_losing_a_queued_job_fails_it(file_app, redis_queue):
    file_app.config["REDIS_URL"] = REDIS_URL
    with file_app.app_context():
        job = enqueue("count", "tests.jobs.test_recovery.slow_count", 1, 0)
        _db.session.commit()
        redis_queue.flushdb()  # Redis restarted without its data
        later = utcnow() + timedelta(seconds=10)
        assert recovery.recover(later) == [job.id]


def test_only_the_owner_runs_a_failed_job_again(client, as_role, make_user, db):
    owner = as_role("staff")
    job = Job(kind="count", status="failed", message="作業中斷", created_by_id=owner.id,
              func_path="tests.jobs.test_recovery.slow_count", args="[2, 0]")
    db.session.add(job)
    db.session.flush()
    page = client.get(f"/jobs/{job.id}").data.decode()
    assert "重新執行" in page and f'action="/jobs/{job.id}/again"' in page
    response = client.post(f"/jobs/{job.id}/again")
    assert response.status_code == 302
    db.session.refresh(job)
    assert (job.status, job.attempt, job.done) == ("done", 2, 2)  # inline in tests
    assert client.post(f"/jobs/{job.id}/again").status_code == 302  # refused: not failed
    db.session.refresh(job)
    assert job.attempt == 2


def test_an_admin_sees_another_users_failed_job_but_cannot_run_it(client, as_role, make_user,
                                                                   db):
    owner = make_user("staff")
    job = Job(kind="count", status="failed", message="作業中斷", created_by_id=owner.id,
              func_path="tests.jobs.test_recovery.slow_count", args="[2, 0]")
    db.session.add(job)
    db.session.flush()
    as_role("admin")
    page = client.get(f"/jobs/{job.id}").data.decode()
    assert "作業中斷" in page and "/again" not in page
    assert client.post(f"/jobs/{job.id}/again").status_code == 403
    db.session.refresh(job)
    assert (job.status, job.attempt) == ("failed", 1)


def test_a_print_run_again_writes_the_same_zip(app, client, as_role, db, approved_round,
                                                elders):
    user = as_role("staff")
    client.get(f"/rounds/{approved_round.id}/sheets?village=")
    job = db.session.scalar(sa.select(Job).order_by(Job.id.desc()))
    assert job.status == "done", job.message
    first = (result_dir() / job.result_path).read_bytes()
    time.sleep(2.1)  # a ZIP's dates have two-second steps
    job.status = "failed"
    db.session.flush()
    job_services.again(job, actor=user)
    db.session.refresh(job)
    assert job.status == "done" and job.attempt == 2
    again = (result_dir() / job.result_path).read_bytes()
    assert zipfile.ZipFile(io.BytesIO(again)).namelist() == zipfile.ZipFile(
        io.BytesIO(first)).namelist()
    assert again == first


def test_a_freeze_run_again_after_it_committed_is_refused(app, db, make_round, elders,
                                                          make_user):
    actor = make_user("supervisor")
    round_ = make_round(status="draft")
    job = enqueue("freeze_round", "welfare.rounds.services.freeze_job", round_.id, actor.id,
                  actor=actor)
    db.session.refresh(job)
    db.session.refresh(round_)
    assert job.status == "done" and round_.status == "frozen"
    count = sa.text("SELECT count(*) FROM gift_round_entries")
    entries = db.session.execute(count).scalar()
    job.status = "failed"  # as if the process died after the freeze committed
    db.session.flush()
    job_services.again(job, actor=actor)
    db.session.refresh(job)
    assert job.status == "failed" and "已經凍結" in job.message
    assert db.session.execute(count).scalar() == entries


def test_an_import_cut_short_and_run_again_adds_each_person_once(client, db, staff_user,
                                                                  monkeypatch):
    from tests.data.roster_files import person_rows
    from tests.roster.test_import_web import csv_bytes, upload
    from welfare.roster import import_jobs, views_import
    from welfare.roster.models import Person

    monkeypatch.setattr(views_import, "BACKGROUND_ROWS", 3)
    token = upload(client, csv_bytes(person_rows(4))).headers["Location"].rsplit("/", 1)[-1]
    discard = import_jobs.discard

    def dies_before_the_commit(token):
        monkeypatch.setattr(import_jobs, "discard", discard)
        raise RuntimeError("killed")  # every row read and written, nothing committed

    monkeypatch.setattr(import_jobs, "discard", dies_before_the_commit)
    client.post(f"/people/import/{token}/confirm")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "roster_import"))
    assert job.status == "failed"
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
    assert client.post(f"/jobs/{job.id}/again").status_code == 302
    db.session.refresh(job)
    assert job.status == "done" and job.attempt == 2, job.message
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 4


def test_rq_stops_a_job_at_its_time_limit(file_app, tmp_path, redis_queue):
    file_app.config.update(REDIS_URL=REDIS_URL, JOBS_TIMEOUT_SECONDS=8)
    with file_app.app_context():
        job = enqueue("count", "tests.jobs.test_recovery.slow_count", 80, 0.25)
        _db.session.commit()
        job_id = job.id
    worker = _worker(tmp_path, file_app.config["SQLALCHEMY_DATABASE_URI"], "--burst")
    assert worker.wait(timeout=90) == 0  # RQ killed the job at 8 s, then ran the queue dry
    with file_app.app_context():
        recovery.recover()  # if RQ stopped it before it began, RQ's failed registry says so
        job = _db.session.get(Job, job_id)
    assert job.status == "failed" and job.done < 80
    assert job.message.startswith(("作業超過 1 分鐘的時限，已停止（已完成 ", "作業中斷（已完成 "))


def test_a_job_rq_has_failed_is_failed_here_too(file_app, redis_queue):
    from rq.job import Job as RQJob
    from rq.job import JobStatus

    file_app.config["REDIS_URL"] = REDIS_URL
    with file_app.app_context():
        job = enqueue("count", "tests.jobs.test_recovery.slow_count", 1, 0)
        _db.session.commit()
        assert recovery.recover() == []  # queued in RQ: it will run
        rq_job = RQJob.fetch(job.rq_id, connection=redis_queue)
        rq_job.set_status(JobStatus.FAILED)  # as RQ records an abandoned or timed-out job
        assert recovery.recover() == [job.id]
        _db.session.refresh(job)
        assert job.status == "failed" and job.message.startswith("作業中斷")
