"""Queue long work: RQ when REDIS_URL is set, a background thread otherwise.

A job function is named by its dotted path and called as func(job_id, *args) inside an
app context; it may call progress() and returns None or {"path", "name", "message"}."""

import importlib
import logging
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from welfare.auth import audit, scope
from welfare.auth.models import AuditLog, User, utcnow
from welfare.extensions import db
from welfare.jobs.models import Job

log = logging.getLogger(__name__)
_PENDING = "welfare.jobs.pending"  # session.info key: jobs to start after the commit


def enqueue(kind, func_path, *args, actor=None, total=0, return_url="", session=None):
    """Add a job row to the caller's transaction and start the job once that transaction
    commits (dropped if it rolls back); inline mode runs it at once inside the transaction.
    `session` is another session to add it to (a short transaction of the caller's own)."""
    session = session if session is not None else db.session
    job = Job(kind=kind, total=total, created_by_id=getattr(actor, "id", None),
              return_url=return_url, message="")
    session.add(job)
    session.flush()
    session.add(AuditLog(**audit.row_values("job", getattr(actor, "id", None), "jobs",
                                            job.id, kind)))
    if inline():
        run(job.id, func_path, args)
        return job
    app = current_app._get_current_object()
    session.info.setdefault(_PENDING, []).append((app, job.id, func_path, args))
    return job


def _start(app, job_id, func_path, args):
    if app.config.get("REDIS_URL"):
        import redis
        import rq

        queue = rq.Queue(app.config.get("RQ_QUEUE", "welfare"),
                         connection=redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue("welfare.jobs.runner.run_in_worker", job_id, func_path, list(args),
                      job_timeout=3600, result_ttl=3600)
    else:
        thread = threading.Thread(target=_run_in_thread, args=(app, job_id, func_path, args),
                                  name=f"job-{job_id}", daemon=True)
        thread.start()


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


def _run_in_thread(app, job_id, func_path, args):
    with app.app_context():
        run(job_id, func_path, args)
        db.session.remove()


def resolve(func_path):
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run(job_id, func_path, args):
    """Run one job to the end under its creator's scope, recording running, done or failed."""
    found = db.session.execute(sa.select(Job.created_by_id).where(Job.id == job_id)).first()
    if found is None:  # its transaction was rolled back after all: nothing to run
        log.warning("job %s is not stored; not run", job_id)
        return
    actor = db.session.get(User, found.created_by_id) if found.created_by_id else None
    with scope.acting(scope.for_user(actor) if actor is not None else scope.ALL):
        _run(job_id, func_path, args)


def _run(job_id, func_path, args):
    _update(job_id, status="running", started_at=utcnow())
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
        _update(job_id, status="failed", message=str(exc)[:300], finished_at=utcnow())
        return
    values = {"status": "done", "finished_at": utcnow(), "done": Job.total}
    for key, column in (("path", "result_path"), ("name", "result_name"),
                        ("message", "message")):
        if result.get(key):
            values[column] = str(result[key])[:300]
    _update(job_id, **values)


def progress(job_id, done, total=None, message=None):
    """Record progress; committed on its own connection so the page sees it at once."""
    values = {"done": done}
    if total is not None:
        values["total"] = total
    if message is not None:
        values["message"] = message[:300]
    _update(job_id, **values)


def _update(job_id, **values):
    statement = sa.update(Job).where(Job.id == job_id).values(**values)
    if inline():
        db.session.execute(statement)
        return
    with db.engine.begin() as conn:
        conn.execute(statement)


def result_dir():
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path
