"""gunicorn's settings (README, Deploy): `gunicorn -c gunicorn.conf.py 'welfare:create_app()'`.

A stop is graceful: SIGTERM (systemctl stop, a deploy) lets each worker finish the requests
in flight for up to `graceful_timeout` seconds, and a worker's background jobs (when there
is no Redis and they run on its threads) the same; a job still running then is failed with
"interrupted, run it again" rather than left running. At start-up, before any worker, the
jobs that the last run of the server left behind (a crash, a kill -9, a power cut) are
failed the same way (welfare.jobs.recovery), and so are those of a worker that dies under
a running master (child_exit)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "5"))  # the database pool's size
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None


_app = None


def _recover(server, when):
    """Fail the jobs whose process is gone, from the master (an app of its own, whose
    connections are closed again before any worker is forked)."""
    global _app
    from welfare import create_app
    from welfare.extensions import db
    from welfare.jobs import recovery

    _app = _app or create_app()
    with _app.app_context():
        try:
            failed = recovery.recover()
        except Exception:  # no database yet (before `flask db upgrade`): the clock will do it
            server.log.exception("could not look for interrupted jobs")
            return
        finally:
            db.session.remove()
            db.engine.dispose()
    if failed:
        server.log.warning("interrupted jobs failed %s: %s", when, failed)


def when_ready(server):
    """The master, once, at start-up: what the last run of the server left running."""
    _recover(server, "at start-up")


def child_exit(server, worker):
    """The master, when a worker has exited (killed by the kernel for memory, say, and about
    to be replaced): the jobs that ran on its threads."""
    _recover(server, f"after worker {worker.pid} exited")


def worker_exit(server, worker):
    """A worker stopping: let its job threads finish, then fail what is still running."""
    from welfare.jobs.services import stop_jobs

    app = getattr(worker, "wsgi", None)
    if app is None or not hasattr(app, "app_context"):
        return
    failed = stop_jobs(app, max(1, graceful_timeout - 5))
    if failed:
        server.log.warning("jobs interrupted by the stop: %s", failed)
