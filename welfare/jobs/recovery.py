"""Jobs that cannot be orphaned. A running job names its process ("host:pid:start") and
keeps a heartbeat; `recover` fails a job whose process is gone (same host), whose heartbeat
stopped (another host), that outlived its time limit, or that RQ itself has given up on
(failed, abandoned, timed out, expired). It runs at start-up (gunicorn.conf.py) and on the
scheduler's clock (`jobs-recover`), and is safe to run anywhere, any number of times."""

import logging
import os
import socket
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.jobs.models import Job

log = logging.getLogger(__name__)
HOST = socket.gethostname()[:60]


def _start_ticks(pid):
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat):
    with the pid, it names a process even after the pid is reused. None when it is gone
    (or a zombie: dead, not yet reaped)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def identity(pid=None):
    """This process as a job's worker: "host:pid:start"."""
    pid = pid or os.getpid()
    return f"{HOST}:{pid}:{_start_ticks(pid) or 0}"


def alive(worker):
    """True or False for a process of this host; None when it runs elsewhere (or is not
    known), and only its heartbeat can tell."""
    host, _sep, rest = (worker or "").partition(":")
    pid, _sep, start = rest.partition(":")
    if host != HOST or not pid.isdigit():
        return None
    return _start_ticks(int(pid)) == start


def interrupted_message(job):
    return _("The job was interrupted (%(done)s of %(total)s done). Run it again.",
             done=f"{job.done:,}", total=f"{job.total:,}")


def timed_out_message(job, seconds):
    return _("The job took longer than its limit of %(minutes)s minutes and was stopped "
             "(%(done)s of %(total)s done). Run it again.", minutes=max(1, seconds // 60),
             done=f"{job.done:,}", total=f"{job.total:,}")


def _fail(job, message, now):
    """Fail this attempt unless it has moved on meanwhile; whether it was failed here."""
    with db.engine.begin() as conn:
        return conn.execute(
            sa.update(Job).where(Job.id == job.id, Job.status == job.status,
                                 Job.attempt == job.attempt)
            .values(status="failed", message=message[:300], finished_at=now)).rowcount == 1


def _rq_states(jobs):
    """{job id: RQ status or None when RQ no longer knows it} for jobs RQ should be running."""
    url = current_app.config.get("REDIS_URL")
    if not url or not jobs:
        return {}
    import redis
    from rq.job import Job as RQJob

    connection = redis.from_url(url)
    try:
        from rq.registry import StartedJobRegistry

        # RQ's own clean-up moves the jobs of dead workers to the failed registry.
        StartedJobRegistry(current_app.config.get("RQ_QUEUE", "welfare"),
                           connection=connection).cleanup()
    except Exception:  # an RQ without it, or Redis busy: the states below still count
        log.warning("RQ registry clean-up failed", exc_info=True)
    found = RQJob.fetch_many([j.rq_id for j in jobs], connection=connection)
    return {job.id: (rq_job.get_status(refresh=False) if rq_job is not None else None)
            for job, rq_job in zip(jobs, found, strict=True)}


def _verdict(job, rq_state, now, config):
    """Why this job cannot end by itself (a message), or None while it still may."""
    timeout = config["JOBS_TIMEOUT_SECONDS"]
    stale = now - timedelta(seconds=config["JOBS_STALE_SECONDS"])
    if rq_state is not None and str(getattr(rq_state, "value", rq_state)) in (
            "failed", "stopped", "canceled"):
        return interrupted_message(job)
    if job.status == "running":
        if job.started_at and job.started_at < now - timedelta(seconds=timeout + 60):
            return timed_out_message(job, timeout)
        if alive(job.worker) is False:
            return interrupted_message(job)
        if alive(job.worker) is None and (job.heartbeat_at or job.started_at or now) < stale:
            return interrupted_message(job)
        return None
    # Queued: RQ has lost it, or (without Redis) the process that was to start it died.
    if config.get("REDIS_URL"):
        return interrupted_message(job) if rq_state is None and job.created_at < stale else None
    return interrupted_message(job) if job.created_at < stale else None


def recover(now=None):
    """Fail every job that can no longer finish; the ids failed."""
    now = now or utcnow()
    config = current_app.config
    jobs = db.session.scalars(sa.select(Job).where(Job.status.in_(("queued", "running")))
                              .order_by(Job.id)).all()
    db.session.rollback()  # a read only: no transaction held while Redis answers
    try:
        states = _rq_states(jobs)
    except Exception:  # Redis down: the heartbeats alone decide
        log.warning("could not read RQ's registries", exc_info=True)
        states = {}
    failed = []
    for job in jobs:
        message = _verdict(job, states.get(job.id), now, config)
        if message and _fail(job, message, now):
            log.warning("job %s (%s) failed: %s", job.id, job.kind, message)
            failed.append(job.id)
    db.session.rollback()  # forget what was read: the failures were written elsewhere
    return failed


def recover_task(now=None):
    """The scheduler's `jobs-recover` task."""
    return recover(now=now)


class Heartbeat:
    """While a job runs: record every JOBS_HEARTBEAT_SECONDS that its process is alive, on a
    connection of its own (a failed beat is only logged; the next one tries again)."""

    def __init__(self, app, job_id, attempt):
        self.app, self.job_id, self.attempt = app, job_id, attempt
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"job-{job_id}-heartbeat",
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=5)

    def _loop(self):
        every = self.app.config["JOBS_HEARTBEAT_SECONDS"]
        with self.app.app_context():
            while not self.stopped.wait(every):
                try:
                    with db.engine.begin() as conn:
                        conn.execute(sa.update(Job).where(
                            Job.id == self.job_id, Job.attempt == self.attempt,
                            Job.status == "running").values(heartbeat_at=utcnow()))
                except Exception:
                    log.warning("job %s: heartbeat not recorded", self.job_id, exc_info=True)
