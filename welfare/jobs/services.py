"""Queue long work: RQ when REDIS_URL is set, a background thread otherwise.

A job function is named by its dotted path and called as func(job_id, *args) inside an
app context; it may call progress() and returns None or {"path", "name", "message"}."""

import importlib
import json
import logging
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth import audit, scope
from welfare.auth.models import AuditLog, User, utcnow
from welfare.extensions import db
from welfare.jobs import recovery
from welfare.jobs.models import Job

log = logging.getLogger(__name__)
_PENDING = "welfare.jobs.pending"  # session.info key: jobs to start after the commit


def enqueue(kind, func_path, *args, actor=None, total=0, return_url="", session=None):
    """Add a job row to the caller's transaction and start the job once that transaction
    commits (dropped if it rolls back); inline mode runs it at once inside the transaction.
    `session` is another session to add it to (a short transaction of the caller's own)."""
    session = session if session is not None else db.session
    job = Job(kind=kind, total=total, created_by_id=getattr(actor, "id", None),
              return_url=return_url, message="", func_path=func_path,
              args=json.dumps(list(args)))  # run again starts the same call
    session.add(job)
    session.flush()
    session.add(AuditLog(**audit.row_values("job", getattr(actor, "id", None), "jobs",
                                            job.id, kind)))
    _start_after_commit(session, job, func_path, args)
    return job


def _start_after_commit(session, job, func_path, args):
    if inline():
        run(job.id, func_path, args)
        return
    app = current_app._get_current_object()
    session.info.setdefault(_PENDING, []).append((app, job.id, func_path, args, job.attempt))


def again(job, actor):
    """Run a failed job again, as the same call: its files are written anew under the same
    name, and the job's own function must cope with work the first attempt committed (an
    import updates what it created, a freeze refuses a frozen round)."""
    from welfare.errors import ServiceError

    # One UPDATE that only a failed row of this attempt takes: two clicks start one run.
    taken = job.func_path and db.session.execute(
        sa.update(Job).where(Job.id == job.id, Job.status == "failed",
                             Job.attempt == job.attempt)
        .values(status="queued", attempt=job.attempt + 1, done=0, message="", started_at=None,
                finished_at=None, heartbeat_at=None, worker="", result_path="")
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        raise ServiceError(_("Only a failed job can be run again."))
    db.session.refresh(job)
    db.session.add(AuditLog(**audit.row_values("job_again", getattr(actor, "id", None), "jobs",
                                               job.id, f"{job.kind} #{job.attempt}")))
    db.session.flush()
    _start_after_commit(db.session, job, job.func_path, json.loads(job.args))
    return job


def _start(app, job_id, func_path, args, attempt=1):
    if app.config.get("REDIS_URL"):
        import redis
        import rq

        queue = rq.Queue(app.config.get("RQ_QUEUE", "welfare"),
                         connection=redis.from_url(app.config["REDIS_URL"]))
        # The time limit is RQ's (the work horse is killed past it); the RQ id names the
        # attempt, so that recovery reads RQ's registries for the attempt the row is on.
        queue.enqueue("welfare.jobs.runner.run_in_worker", job_id, func_path, list(args),
                      attempt, job_id=f"welfare-job-{job_id}-{attempt}",
                      job_timeout=app.config["JOBS_TIMEOUT_SECONDS"], result_ttl=3600,
                      failure_ttl=7 * 86400)
    else:
        thread = threading.Thread(target=_run_in_thread,
                                  args=(app, job_id, func_path, args, attempt),
                                  name=f"job-{job_id}", daemon=True)
        _THREADS.add(thread)
        thread.start()


_THREADS = set()  # this process's job threads, for a graceful stop


def stop_jobs(app, seconds):
    """A graceful stop of this process: wait up to `seconds` for its job threads, then fail
    the jobs still running here (they can be run again) rather than leave them running."""
    deadline = time.monotonic() + seconds
    for thread in list(_THREADS):
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    with app.app_context():
        me = recovery.identity()
        jobs = db.session.scalars(sa.select(Job).where(Job.status == "running",
                                                       Job.worker == me)).all()
        db.session.rollback()
        for job in jobs:
            recovery._fail(job, recovery.interrupted_message(job), utcnow())
        db.session.remove()
        return [job.id for job in jobs]


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _start_pending(session):
    """The jobs added in the transaction just committed: the worker can see them now."""
    for pending in session.info.pop(_PENDING, ()):
        _start(*pending)


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _drop_pending(session, transaction):
    """A rolled-back (or closed) outer transaction: its jobs were never stored."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def inline():
    """Tests run jobs in the request's own transaction (set JOBS_INLINE to override)."""
    return current_app.config.get("JOBS_INLINE", current_app.testing)


def _run_in_thread(app, job_id, func_path, args, attempt=1):
    try:
        with app.app_context():
            run(job_id, func_path, args, attempt)
            db.session.remove()
    finally:
        _THREADS.discard(threading.current_thread())


def resolve(func_path):
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


class JobTimeout(Exception):
    """A job ran past JOBS_TIMEOUT_SECONDS (raised at its next progress report)."""


def run(job_id, func_path, args, attempt=None):
    """Run one job to the end under its creator's scope, recording running, done or failed.
    Only a queued job (of this attempt) starts: one that recovery has failed meanwhile, or
    that RQ delivers twice, is not run again behind its owner's back."""
    found = db.session.execute(sa.select(Job.created_by_id, Job.attempt)
                               .where(Job.id == job_id)).first()
    if found is None:  # its transaction was rolled back after all: nothing to run
        log.warning("job %s is not stored; not run", job_id)
        return
    attempt = attempt or found.attempt
    now = utcnow()
    claimed = _update(job_id, status="running", started_at=now, heartbeat_at=now,
                      worker=recovery.identity(),
                      _where=(Job.status == "queued", Job.attempt == attempt))
    if not claimed:
        log.warning("job %s attempt %s is no longer queued; not run", job_id, attempt)
        return
    actor = db.session.get(User, found.created_by_id) if found.created_by_id else None
    with scope.acting(scope.for_user(actor) if actor is not None else scope.ALL):
        if inline():
            _run(job_id, func_path, args)
        else:
            _DEADLINES[job_id] = time.monotonic() + current_app.config["JOBS_TIMEOUT_SECONDS"]
            try:
                with recovery.Heartbeat(current_app._get_current_object(), job_id, attempt):
                    _run(job_id, func_path, args)
            finally:
                _DEADLINES.pop(job_id, None)


_DEADLINES = {}  # job id: monotonic deadline, for the jobs this process runs


def _run(job_id, func_path, args):
    try:
        if inline():  # inside the caller's transaction: undo only the job's own work
            with db.session.begin_nested():
                result = resolve(func_path)(job_id, *args) or {}
        else:
            result = resolve(func_path)(job_id, *args) or {}
            db.session.commit()
    except Exception as exc:  # a failed job must say so on its page, whatever went wrong
        log.exception("job %s failed", job_id)
        if not inline():
            db.session.rollback()
        _update(job_id, status="failed", message=_failure_message(job_id, exc)[:300],
                finished_at=utcnow())
        return
    values = {"status": "done", "finished_at": utcnow(), "done": Job.total}
    for key, column in (("path", "result_path"), ("name", "result_name"),
                        ("message", "message")):
        if result.get(key):
            values[column] = str(result[key])[:300]
    _update(job_id, **values)


def _failure_message(job_id, exc):
    if isinstance(exc, JobTimeout) or type(exc).__name__ == "JobTimeoutException":  # RQ's
        seconds = current_app.config["JOBS_TIMEOUT_SECONDS"]
        if not isinstance(exc, JobTimeout):  # the limit the app gave RQ when it queued the job
            import rq

            seconds = getattr(rq.get_current_job(), "timeout", None) or seconds
        job = db.session.get(Job, job_id)
        message = recovery.timed_out_message(job, int(seconds))
        if not inline():
            db.session.rollback()
        return message
    return str(exc)


def progress(job_id, done, total=None, message=None):
    """Record progress (and that the job is alive); committed on its own connection so the
    page sees it at once. Past the job's time limit, stop it (JobTimeout)."""
    if time.monotonic() > _DEADLINES.get(job_id, float("inf")):
        raise JobTimeout(job_id)
    values = {"done": done}
    if not inline():
        values["heartbeat_at"] = utcnow()
    if total is not None:
        values["total"] = total
    if message is not None:
        values["message"] = message[:300]
    _update(job_id, **values)


def _update(job_id, _where=(), **values):
    """Whether the job's row was updated."""
    statement = sa.update(Job).where(Job.id == job_id, *_where).values(**values)
    if inline():
        return db.session.execute(statement).rowcount == 1
    with db.engine.begin() as conn:
        return conn.execute(statement).rowcount == 1


def result_dir():
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path
