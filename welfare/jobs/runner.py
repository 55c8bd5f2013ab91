"""Entry point for RQ workers (`rq worker --url $REDIS_URL welfare`): build the app once."""

_app = None


def run_in_worker(job_id, func_path, args, attempt=None):
    """Run a queued job inside an app context built from the environment."""
    global _app
    from welfare import create_app
    from welfare.extensions import db
    from welfare.jobs.services import run

    if _app is None:
        _app = create_app()
    with _app.app_context():
        run(job_id, func_path, args, attempt)
        db.session.remove()


def run_scheduled(func_path):
    """Entry point for the periodic tasks `rq cron` enqueues (welfare.jobs.cron)."""
    global _app
    from welfare import create_app
    from welfare.jobs.schedule import run_task

    if _app is None:
        _app = create_app()
    return run_task(_app, func_path, keep_going=False)
