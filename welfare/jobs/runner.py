"""Entry point for RQ workers (`rq worker --url $REDIS_URL welfare`): build the app once."""

_app = None


def run_in_worker(job_id, func_path, args):
    """Run a queued job inside an app context built from the environment."""
    global _app
    from welfare import create_app
    from welfare.extensions import db
    from welfare.jobs.services import run

    if _app is None:
        _app = create_app()
    with _app.app_context():
        run(job_id, func_path, args)
        db.session.remove()
