"""The welfare app: rosters, elder-gift rounds, relief deliveries, home visits."""

from pathlib import Path

from flask import Flask, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from config import INSTANCE_DIR, Config
from welfare import sqlite_writes
from welfare.extensions import babel, csrf, db, login_manager, migrate
from welfare.geo import district

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def register_domains(app):
    """Every domain's blueprints, CLI groups and settings, imported by name in the code
    (STYLE habit 13): a missing or renamed piece fails here, at start-up."""
    from welfare import (
        aid,
        auth,
        delivery,
        inquiries,
        jobs,
        lookup,
        notify,
        reports,
        roster,
        rounds,
        visits,
    )
    from welfare.backup import backup_command, restore_command
    from welfare.demo import demo_cli
    from welfare.geo.cli import villages_cli

    for blueprint in (auth.bp, roster.bp, jobs.bp, rounds.bp, delivery.bp, visits.bp,
                      visits.api_bp, inquiries.bp, aid.bp, reports.bp, lookup.bp,
                      notify.bp):
        app.register_blueprint(blueprint)
    for command in (*auth.cli_commands, *roster.cli_commands, *rounds.cli_commands,
                    *delivery.cli_commands, *visits.cli_commands, *reports.cli_commands,
                    *notify.cli_commands, *aid.cli_commands,
                    demo_cli, backup_command, restore_command, villages_cli):
        app.cli.add_command(command)
    for init_app in (auth.init_app, jobs.init_app, roster.init_app, delivery.init_app,
                     visits.init_app, lookup.init_app, notify.init_app, inquiries.init_app):
        init_app(app)


def resource_dir(name):
    """templates/, static/ or migrations/: the copy inside the package when installed
    (`pip install .` puts them there, see setup.py), else the checkout's top-level folder."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


def translation_directories():
    dirs = [str(p) for p in sorted(PACKAGE.glob("*/translations"))]
    return ";".join(dirs) or "translations"


def select_locale():
    from flask import current_app, has_request_context

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang") or session.get("lang")
    if wanted in languages:
        return wanted
    if request.path.startswith("/api/"):
        # API clients may send no cookie; their Accept-Language header chooses.
        return request.accept_languages.best_match(languages) or \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(config_class=Config):
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    district.settle(app.config)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_writes.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        app.config.get("SQLITE_BUSY_SECONDS", sqlite_writes.BUSY_SECONDS))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"

    from welfare import errors, models, params  # noqa: F401  (models registers every table)
    from welfare.auth import scope
    from welfare.menu import register_menu
    from welfare.web import register_web

    params.init_app(app)
    errors.init_app(app)
    register_web(app)
    register_menu(app)
    scope.install(app)

    register_domains(app)

    from welfare.jobs import schedule

    schedule.start(app)  # only when SCHEDULER is on (make run)

    @app.before_request
    def remember_language():
        if request.args.get("lang") in app.config["LANGUAGES"]:
            session["lang"] = request.args["lang"]
        g.user = current_user

    return app
