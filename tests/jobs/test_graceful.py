"""Graceful stops: SIGTERM to gunicorn and to the RQ worker lets work in flight finish, and
what cannot finish is failed (to be run again), never left running."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import requests

from tests.jobs.test_recovery import REDIS_URL, ROOT, _env, _wait, _worker
from welfare.auth.models import utcnow
from welfare.extensions import db as _db
from welfare.jobs import enqueue, recovery
from welfare.jobs.models import Job
from welfare.jobs.services import stop_jobs


def _start(app, n, delay):
    with app.app_context():
        job = enqueue("count", "tests.jobs.test_recovery.slow_count", n, delay)
        _db.session.commit()
        return job.id


def test_a_stopping_process_waits_for_its_jobs_then_fails_the_rest(file_app):
    short = _start(file_app, 4, 0.1)
    long = _start(file_app, 200, 0.25)
    _wait(file_app, long, lambda j: j.status == "running")
    assert stop_jobs(file_app, 2) == [long]
    with file_app.app_context():
        assert _db.session.get(Job, short).status == "done"  # finished within the wait
        job = _db.session.get(Job, long)
        assert job.status == "failed" and job.message.startswith("作業中斷（已完成 ")


def _parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_fails_left_over_jobs_at_start_and_stops_gracefully(file_app, tmp_path):
    with file_app.app_context():
        now = utcnow()
        leftover = Job(kind="count", status="running", done=7, total=24, message="",
                       worker=f"{socket.gethostname()[:60]}:999999:1", started_at=now,
                       heartbeat_at=now, func_path="x", args="[]")
        _db.session.add(leftover)
        _db.session.commit()
        leftover_id = leftover.id
    port = _free_port()
    env = {**_env(tmp_path), "DATABASE_URL": file_app.config["SQLALCHEMY_DATABASE_URI"],
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_GRACEFUL_TIMEOUT": "10"}
    server = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                               "-c", "gunicorn.conf.py", "welfare:create_app()"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/login", timeout=30).ok
                break
            except (requests.ConnectionError, requests.Timeout):
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        with file_app.app_context():
            job = _db.session.get(Job, leftover_id)
            assert job.status == "failed"  # found at start-up: its process is gone
            assert job.message == "作業中斷（已完成 7 / 24），請重新執行。"
            # A job on a worker's thread when the kernel kills that worker (out of memory):
            [worker_pid] = [int(p) for p in os.listdir("/proc") if p.isdigit()
                            and _parent(int(p)) == server.pid]
            now = utcnow()
            running = Job(kind="count", status="running", done=3, total=9, message="",
                          worker=recovery.identity(worker_pid), started_at=now,
                          heartbeat_at=now, func_path="x", args="[]")
            _db.session.add(running)
            _db.session.commit()
            running_id = running.id
            os.kill(worker_pid, signal.SIGKILL)
        # the master replaces the worker and, as it does, fails the worker's jobs
        job = _wait(file_app, running_id, lambda j: j.finished, seconds=30)
        assert job.message == "作業中斷（已完成 3 / 9），請重新執行。"
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert time.monotonic() - started < 30
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stderr.close()


def test_sigterm_to_the_rq_worker_lets_the_job_in_flight_finish(file_app, tmp_path,
                                                                redis_queue):
    file_app.config["REDIS_URL"] = REDIS_URL
    worker = _worker(tmp_path, file_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        job_id = _start(file_app, 12, 0.25)
        _wait(file_app, job_id, lambda j: j.status == "running" and j.done >= 2)
        worker.send_signal(signal.SIGTERM)  # warm shutdown: finish the job, take no other
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    with file_app.app_context():
        job = _db.session.get(Job, job_id)
        assert (job.status, job.done) == ("done", 12)
        assert job.finished_at - job.started_at < timedelta(seconds=30)
