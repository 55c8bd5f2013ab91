import json

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from welfare.auth.models import User
from welfare.extensions import db

roster_cli = AppGroup("roster", help="Roster import and maintenance.")


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--user", "username", help="Record the import as done by this account.")
def import_command(path, dry_run, as_json, username):
    """Import people from a household-registration export (CSV or XLSX)."""
    from welfare.roster.importer import import_file

    # Messages are translated, and the locale is chosen per request: give the command one.
    with current_app.test_request_context(environ_base={"REMOTE_ADDR": ""}):
        actor = None
        if username:
            actor = db.session.scalar(sa.select(User).where(User.username == username))
            if actor is None:
                raise click.ClickException(_("No account called %(name)s.", name=username))
        result = import_file(path, dry_run=dry_run, actor=actor)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_summary(result)
    if result.file_error:
        raise SystemExit(1)


def _print_summary(result):
    if result.file_error:
        click.echo(result.file_error, err=True)
        return
    title = _("Dry run: nothing was written.") if result.dry_run else _("Import finished.")
    click.echo(title)
    click.echo(_("Rows: %(rows)s, valid: %(valid)s, rejected: %(rejected)s",
                 rows=result.rows, valid=result.valid, rejected=result.rows - result.valid))
    if result.dry_run:
        click.echo(_("Would add %(created)s people and change %(updated)s; %(same)s unchanged.",
                     created=result.created, updated=result.updated, same=result.unchanged))
    else:
        click.echo(_("Added %(created)s people and changed %(updated)s; %(same)s unchanged.",
                     created=result.created, updated=result.updated, same=result.unchanged))
    for error in result.errors:
        click.echo(_("Row %(row)s, %(field)s: %(message)s", row=error["row"],
                     field=result.headers.get(error["field"], error["field"]),
                     message=error["message"]))
