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
@click.option("--kind", type=click.Choice(["people", "changes", "low-income", "households",
                                           "elders"]),
              help="What the file holds; recognised from its column headings when not given.")
@click.option("--end-missing", "end_missing", metavar="DATE",
              help="Low-income lists and household files only: the file is the full list "
                   "(of its kinds); statuses current on DATE whose household it does not name "
                   "end on DATE, and members of its households it does not name leave them on "
                   "DATE.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--user", "username", help="Record the import as done by this account.")
def import_command(path, kind, end_missing, dry_run, as_json, username):
    """Import a registry file (CSV or XLSX): people from a household-registration export,
    戶政異動 changes (deaths, move-outs, move-ins, address changes), a low-income certification
    list, households (戶籍) or the isolated-elder list (獨居老人名冊)."""
    from welfare.core import rocdate
    from welfare.roster.feeds import import_file

    if end_missing is not None:
        try:
            end_missing = rocdate.parse(end_missing)
        except rocdate.InvalidDate as exc:
            raise click.BadParameter(_("Write the date like 114/10/31 or 2025-10-31."),
                                     param_hint="--end-missing") from exc

    # Messages are translated, and the locale is chosen per request: give the command one.
    with current_app.test_request_context(environ_base={"REMOTE_ADDR": ""}):
        actor = None
        if username:
            actor = db.session.scalar(sa.select(User).where(User.username == username))
            if actor is None:
                raise click.ClickException(_("No account called %(name)s.", name=username))
        result = import_file(path, kind=kind, dry_run=dry_run, actor=actor,
                             end_missing=end_missing)
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
    if result.ended is not None and getattr(result, "kind", None) == "households":
        click.echo(_("Members missing from the file taken out of their households: %(n)s",
                     n=result.ended))
        for removed in result.removed:
            click.echo(_("Removed from household %(number)s: %(names)s (updated from the "
                         "household-registration export)", number=removed["household_no"],
                         names="、".join(removed["names"])))
    elif result.ended is not None:
        click.echo(_("Statuses missing from the list and ended: %(n)s", n=result.ended))
    for error in result.errors:
        click.echo(_("Row %(row)s, %(field)s: %(message)s", row=error["row"],
                     field=result.headers.get(error["field"], error["field"]),
                     message=error["message"]))


@roster_cli.command("history")
@click.argument("id_number")
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
def history_command(id_number, as_json):
    """A person's history across programmes (gifts, deliveries, visits, register), newest
    first; the ID number is masked in the output."""
    from welfare.core import idno
    from welfare.roster.history import masked_person, person_events
    from welfare.roster.models import Person

    with current_app.test_request_context(environ_base={"REMOTE_ADDR": ""}):
        person = db.session.scalar(sa.select(Person).where(
            Person.id_number == idno.normalise(id_number)))
        if person is None:
            raise click.ClickException(_("No person with this ID number."))
        events = person_events(person)
        if as_json:
            click.echo(json.dumps({"person": masked_person(person),
                                   "events": [e.to_dict() for e in events]},
                                  ensure_ascii=False, indent=2))
            return
        click.echo(f"{person.name} {masked_person(person)['id_number']}")
        for event in events:
            line = f"{event.day.isoformat()}  {event.kind:<9} {event.title}"
            click.echo(line + (f" ({event.detail})" if event.detail else ""))
