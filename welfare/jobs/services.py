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
from welfare.auth.models import User, utcnow
from welfare.extensions import db
from welfare.jobs.models import Job

log = logging.getLogger(__name__)


def enqueue(kind, func_path, *args, actor=None, total=0, return_url=""):
    """Create a job and start it. Commits, so the worker can see the job and its inputs."""
    job = Job(kind=kind, total=total, created_by_id=getattr(actor, "id", None),
              return_url=return_url, message="")
    db.session.add(job)
    db.session.flush()
    audit.record("job", actor=actor, entity=job, summary=kind)
    app = current_app._get_current_object()
    if inline():
        run(job.id, func_path, args)
        return job
    db.session.commit()
    if app.config.get("REDIS_URL"):
        import redis
        import rq

        queue = rq.Queue(app.config.get("RQ_QUEUE", "welfare"),
                         connection=redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue("welfare.jobs.runner.run_in_worker", job.id, func_path, list(args),
                      job_timeout=3600, result_ttl=3600)
    else:
        thread = threading.Thread(target=_run_in_thread, args=(app, job.id, func_path, args),
                                  name=f"job-{job.id}", daemon=True)
        thread.start()
    return job


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
    creator = db.session.scalar(sa.select(Job.created_by_id).where(Job.id == job_id))
    actor = db.session.get(User, creator) if creator is not None else None
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
