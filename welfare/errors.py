"""The one error type services raise for business-rule failures, and what a request gets
when the database cannot be reached."""

from sqlalchemy import exc as sa_exc


class ServiceError(Exception):
    """Carries (field, message) pairs for the view to put back on the form."""

    def __init__(self, *errors):
        self.errors = [e if isinstance(e, tuple) else (None, e) for e in errors]
        super().__init__("; ".join(str(m) for _, m in self.errors))

    def apply_to(self, form):
        """Attach field errors to a WTForms form; return the ones without a field."""
        general = []
        for field, message in self.errors:
            target = getattr(form, field, None) if field else None
            if target is not None:
                target.errors = list(target.errors) + [message]
            else:
                general.append(message)
        return general


# The database went away (a restart, a failover, a terminated backend, the pool empty):
# nothing of the request was committed, and the next request gets a fresh connection.
DATABASE_GONE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                 sa_exc.PendingRollbackError, sa_exc.TimeoutError)
RETRY_SECONDS = 5


def is_gone(error):
    """True when the error is the database's absence, not a mistake in a statement: SQLite
    reports both kinds as OperationalError ("no such column" is a bug, "database is locked"
    is not); psycopg's OperationalError is always about the connection."""
    if not isinstance(error, sa_exc.OperationalError) or getattr(
            error, "connection_invalidated", False):
        return True
    text = str(getattr(error, "orig", error)).lower()
    module = type(getattr(error, "orig", None)).__module__ or ""
    return not module.startswith("sqlite3") or any(
        word in text for word in ("locked", "unable to open", "disk i/o", "busy"))


def database_unavailable(error):
    """503, as an error page or (API, JSON requests) a problem body; never the trace."""
    from flask import current_app, g, render_template

    if not is_gone(error):
        raise error  # a mistake in the code: the ordinary 500
    from flask_babel import gettext as _

    from welfare.extensions import db, login_manager
    from welfare.params import problem_json, wants_json

    current_app.logger.warning("database unavailable: %s", str(error).split("\n", 1)[0])
    try:
        db.session.rollback()  # on an invalidated connection this only resets the session
    except DATABASE_GONE:  # the connection is gone either way; the pool replaces it
        db.session().invalidate()
    # The page is drawn as for a visitor: loading the signed-in user (or, after the rollback,
    # reloading it) would need the database that just failed.
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_SECONDS)}
    if wants_json():
        response = problem_json(503, _("The service is briefly unavailable. Nothing was "
                                       "saved; try again in a few seconds."))
        response.headers.update(headers)
        return response
    try:
        return render_template("errors/503.html"), 503, headers
    except DATABASE_GONE:  # the page itself needed the database (the signed-in user)
        db.session.rollback()
        return _("The service is briefly unavailable. Nothing was saved; try again in a few "
                 "seconds."), 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def release_session(_error=None):
    """End the request's session. Its connection may have died after the answer was made
    (the rollback that ends it then fails): drop that connection instead of turning a made
    answer into a 500. Runs before Flask-SQLAlchemy's own teardown, which then has nothing
    left to do."""
    from flask import current_app

    from welfare.extensions import db

    try:
        db.session.remove()
    except DATABASE_GONE as exc:
        current_app.logger.warning("connection lost at the end of a request: %s",
                                   str(exc).split("\n", 1)[0])
        db.session().invalidate()
        db.session.remove()


def init_app(app):
    """503 for a database that went away; a session that ends cleanly even then (call after
    db.init_app: teardown functions run in reverse order)."""
    for error in DATABASE_GONE:
        app.register_error_handler(error, database_unavailable)
    app.teardown_appcontext(release_session)
