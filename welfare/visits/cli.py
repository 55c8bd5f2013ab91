"""`flask visits escalate` (for cron) and `flask visits rules`."""

import json

import click
from flask.cli import AppGroup

from welfare.auth.models import utcnow
from welfare.visits import alerts, queries, services

visits_cli = AppGroup("visits", help="Home visits.")


@visits_cli.command("escalate")
@click.option("--now", "now_text", default=None,
              help="Evaluate at this UTC time (ISO 8601), for testing.")
def escalate(now_text):
    """Move open alerts whose deadline passed to the next step of their chain."""
    now = services.parse_time(now_text) if now_text else utcnow()
    if now is None:
        raise click.BadParameter("use ISO 8601, like 2026-05-01T08:00:00Z", param_hint="--now")
    moved = alerts.run_escalation(now)
    click.echo(f"{moved} alert(s) moved up the chain")


@visits_cli.command("rules")
def show_rules():
    """Print the contact rule per care level as JSON."""
    click.echo(json.dumps({level: {"interval_days": r.interval_days,
                                   "counted_kinds": list(r.counted_kinds),
                                   "in_person_every_days": r.in_person_every_days}
                           for level, r in queries.rules_by_level().items()}, indent=1))
