"""`flask reports refresh`: count the roster snapshots the dashboard reads (cron: every few
minutes with --months 0 for today, nightly without); `flask reports warm`: count the
default dashboard's other figures into the cache; `flask reports clear`."""

import time
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.datastructures import MultiDict

from welfare.extensions import db

reports_cli = AppGroup("reports", help="Statistics.")


@reports_cli.command("warm")
@click.option("--months", default="", help="Also warm START:END (YYYY-MM:YYYY-MM).")
def warm(months):
    """Count the default dashboard (last 12 months, every village) into the cache."""
    from welfare.reports import cache, dashboard

    if cache.seconds() <= 0:
        raise click.ClickException("REPORTS_CACHE_SECONDS is 0: nothing would be kept")
    if not current_app.config.get("REDIS_URL"):
        click.echo("note: without REDIS_URL the counts stay in this process only")
    wanted = [MultiDict()]
    if months:
        start, _sep, end = months.partition(":")
        wanted.append(MultiDict({"start": start, "end": end}))
    for args in wanted:
        with current_app.test_request_context("/reports"):
            started = time.perf_counter()
            scope = dashboard.scope_for(args, None)
            figures = dashboard.all_figures(scope)
            db.session.commit()  # keep a roster snapshot counted on the way
            click.echo(f"{scope.period.start:%Y-%m} to {scope.period.end:%Y-%m}: "
                       f"{len(figures)} figures in {time.perf_counter() - started:.1f} s")


@reports_cli.command("refresh")
@click.option("--months", default=13, show_default=True,
              help="Also the last N month-ends (the days past periods end on).")
@click.option("--force", is_flag=True, help="Recount even where the roster is unchanged.")
@click.option("--today", default="", help="Count as if today were YYYY-MM-DD.")
def refresh(months, force, today):
    """Recount the stored roster counts that are missing or out of date."""
    from welfare.reports import snapshots

    day = date.fromisoformat(today) if today else date.today()
    for counted_day, seconds in snapshots.refresh_due(day, months=months, force=force):
        state = "unchanged, kept" if seconds is None else f"counted in {seconds:.1f} s"
        click.echo(f"{counted_day.isoformat()}: {state}")


@reports_cli.command("clear")
def clear():
    """Forget every kept count."""
    from welfare.reports import cache

    cache.clear()
    click.echo("cleared")
