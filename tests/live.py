"""A database of a test's own with real commits, and a real threaded server over it.

The `db` fixture binds one connection and rolls back, so it cannot show what separate
connections do to each other. These helpers give a test what production has instead: a
file-backed SQLite database (or, with TEST_DATABASE_URL, a PostgreSQL database
"<that db>_<suffix>", dropped and created), an app whose requests each take a connection
from the pool, and `werkzeug`'s threaded server in front of it."""

import logging
import os
import threading

import sqlalchemy as sa
from flask import got_request_exception

from config import TestConfig, normalise_database_url
from welfare import create_app
from welfare.extensions import db
from welfare.roster.reference import ensure_reference_data


def fresh_database(tmp_path, suffix):
    """(URL of an empty database, function that drops it)."""
    base = normalise_database_url(os.environ.get("TEST_DATABASE_URL"))
    if not base:
        return f"sqlite:///{tmp_path / f'{suffix}.db'}", lambda: None
    url = sa.engine.make_url(base)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop_and_dispose():
        drop()
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop_and_dispose


def live_app(database_url, **settings):
    """An app over its own database with every table and the reference data. Requests
    answer as in production (TESTING off: errors are 500 pages); jobs run in threads."""
    config = type("LiveConfig", (TestConfig,), {
        "TESTING": False, "JOBS_INLINE": False, "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, **settings})
    app = create_app(config)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
    return app


def _read_whole(file, buffer_size=8192):
    """A `wsgi.file_wrapper` that reads the file and closes it at once.

    werkzeug's development server skips the response's close() when the
    browser drops the connection mid-file (it navigated away while a map
    tile or icon was loading); the open file then warns when collected,
    in whichever test runs next. Static files here are small.
    """
    try:
        return [file.read()]
    finally:
        file.close()


def files_read_whole(app):
    def wsgi(environ, start_response):
        environ["wsgi.file_wrapper"] = _read_whole
        return app(environ, start_response)

    return wsgi


class Server:
    """`werkzeug`'s threaded server on a free port; `.errors` lists requests that raised."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.errors = []
        got_request_exception.connect(self._remember, app, weak=False)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.httpd = make_server("127.0.0.1", 0, files_read_whole(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                       name="live-server")
        self.thread.start()

    def _remember(self, sender, exception, **extra):
        from flask import request

        self.errors.append(f"{request.method} {request.path}: {exception!r}")

    def stop(self):
        self.httpd.shutdown()
        self.thread.join(timeout=10)
        self.httpd.server_close()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
