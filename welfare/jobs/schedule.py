"""Work that runs on a clock (alert escalation every few minutes), whether or not anyone
opens a page.

A domain names its periodic tasks in its init_app with `every(app, name, func_path,
seconds)`; a task is func(now=None), commits its own work and is safe to run twice at once
(two hosts, or a cron line besides the scheduler). What runs them:
- with REDIS_URL, RQ's own scheduler: `rq cron welfare.jobs.cron` (`make cron`) enqueues each
  task on the queue every `seconds`, and `rq worker` runs it (runner.run_scheduled);
- without Redis, a daemon thread of the web process, started by create_app when SCHEDULER
  is on (`make run` sets WELFARE_SCHEDULER=1; tests never do unless they ask);
- or cron, through the tasks' CLI commands (`flask --app welfare visits escalate`)."""

import logging
import os
import threading
import time

from welfare.auth.models import utcnow

log = logging.getLogger(__name__)
KEY = "welfare_schedule"


def every(app, name, func_path, seconds):
    """Run the task named `name` every `seconds` once a scheduler runs."""
    app.extensions.setdefault(KEY, {})[name] = (func_path, seconds)


def tasks(app):
    """{name: (func_path, seconds)} of every periodic task."""
    return dict(app.extensions.get(KEY, {}))


def run_task(app, func_path, now=None, keep_going=True):
    """Run one task in an app context of its own. A failure is logged and the next turn
    tries again (`keep_going`), or raised (under RQ, which records failed jobs)."""
    from welfare.extensions import db
    from welfare.jobs.services import resolve

    with app.app_context():
        try:
            return resolve(func_path)(now=now)
        except Exception:
            if not keep_going:
                raise
            log.exception("scheduled task %s failed", func_path)  # the thread lives on
            return None
        finally:
            db.session.remove()


class Ticker:
    """Runs each task when it is due: at start, then every `seconds`. `clock` gives
    monotonic seconds and `now` the UTC time handed to the task (tests pass their own)."""

    def __init__(self, app, clock=time.monotonic, now=utcnow):
        self.app, self.clock, self.now = app, clock, now
        self.due = {name: clock() for name in tasks(app)}
        self.stopped = threading.Event()
        self.thread = None

    def run_due(self):
        """Run the tasks that are due; their names."""
        ran = []
        for name, (func_path, seconds) in tasks(self.app).items():
            if self.clock() >= self.due.get(name, 0):
                run_task(self.app, func_path, self.now())
                self.due[name] = self.clock() + seconds
                ran.append(name)
        return ran

    def wait_seconds(self):
        return max(0.0, min(self.due.values(), default=self.clock() + 60) - self.clock())

    def start(self):
        self.thread = threading.Thread(target=self._loop, name="welfare-scheduler",
                                       daemon=True)
        self.thread.start()
        return self

    def _loop(self):
        while not self.stopped.is_set():
            self.run_due()
            self.stopped.wait(self.wait_seconds())

    def stop(self):
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


def start(app):
    """Start the in-process scheduler when SCHEDULER is on and no Redis (whose `rq cron`
    does the work) is configured; the Ticker, or None."""
    if not app.config.get("SCHEDULER") or app.config.get("REDIS_URL") or not tasks(app):
        return None
    if app.debug and not os.environ.get("WERKZEUG_RUN_MAIN"):
        return None  # `flask run --debug`: the reloader's watcher, not the serving child
    ticker = Ticker(app).start()
    app.extensions["welfare_ticker"] = ticker
    log.info("in-process scheduler started: %s", ", ".join(tasks(app)))
    return ticker
