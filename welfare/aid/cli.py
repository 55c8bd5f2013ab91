"""`flask aid list|stats`: the same queries as the web pages, ID numbers masked."""

import json
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from welfare.aid import queries
from welfare.aid.rules import STATUSES, days_since, is_overdue

aid_cli = AppGroup("aid", help="Emergency-aid cases (急難救助).")


@aid_cli.command("list")
@click.option("--view", type=click.Choice(queries.VIEWS), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cases(view, as_json):
    """Cases in one of the web lists (open, to_decide, to_pay, overdue, all)."""
    today, limit = date.today(), current_app.config["AID_DECISION_DAYS"]
    holidays = queries.holidays()
    cases = queries.case_list(view, None, today, limit, 1, 10_000).items
    rows = [{"id": c.id, "applied_on": c.applied_on.isoformat(), "status": c.status,
             "cause": c.cause.code, "village": c.village.code,
             "days": days_since(c.applied_on, today, holidays),
             "overdue": is_overdue(c.status, c.applied_on, today, limit, holidays),
             "proposed": c.proposed_amount, "approved": c.approved_amount} for c in cases]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        amount = row["approved"] or ""
        click.echo(f"{row['id']:>5}  {row['applied_on']}  {row['status']:<9} "
                   f"{row['cause']:<15} {row['village']}  {row['days']:>3} wd  {amount}")


@aid_cli.command("stats")
def stats():
    """Counts and amounts overall, by cause and by village, as JSON."""
    figures = queries.statistics(date.today(), current_app.config["AID_DECISION_DAYS"])
    figures["by_cause"] = [r | {"label": str(r["label"])} for r in figures["by_cause"]]
    figures["by_village"] = [r | {"label": str(r["label"])} for r in figures["by_village"]]
    figures["statuses"] = list(STATUSES)
    click.echo(json.dumps(figures, ensure_ascii=False, default=str))


cli_commands = [aid_cli]
