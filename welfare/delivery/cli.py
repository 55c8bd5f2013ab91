"""`flask delivery ...`: solve a CVRPLIB file with the app's engine; geocode an event."""

import json
import time

import click
from flask import current_app
from flask.cli import AppGroup

from welfare.delivery.cvrplib import check_solution, read_instance, solve_instance
from welfare.extensions import db

delivery_cli = AppGroup("delivery", help="Relief-goods delivery.")


@delivery_cli.command("solve-vrp")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--seconds", default=10.0, show_default=True, help="Time limit.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON only.")
@click.option("--seed", default=1, show_default=True)
def solve_vrp(path, seconds, as_json, seed):
    """Solve a CVRPLIB CVRP instance (EUC_2D, rounded distances)."""
    try:
        instance = read_instance(path)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc
    started = time.perf_counter()
    routes, cost, _result = solve_instance(instance, seconds=seconds, seed=seed)
    elapsed = round(time.perf_counter() - started, 2)
    problems = check_solution(instance, routes)
    if problems:
        raise click.ClickException("; ".join(problems))
    if as_json:
        click.echo(json.dumps({"cost": cost, "routes": routes, "seconds": elapsed}))
        return
    click.echo(f"{instance['name']}: cost {cost}, {len(routes)} routes, {elapsed} s")
    for k, route in enumerate(routes, start=1):
        click.echo(f"  route {k}: {' '.join(map(str, route))}")


@delivery_cli.command("geocode")
@click.argument("event_id", type=int)
@click.option("--budget", default=600.0, show_default=True, help="Seconds to spend on lookups.")
def geocode(event_id, budget):
    """Look up the positions of an event's stops (cache first, then the geocoder)."""
    from welfare.delivery.models import DeliveryEvent
    from welfare.delivery.planning import locate_stops

    event = db.session.get(DeliveryEvent, event_id)
    if event is None:
        raise click.ClickException(f"no event {event_id}")
    approximate = locate_stops(list(event.stops), budget_seconds=budget)
    db.session.commit()
    click.echo(
        f"{len(event.stops)} stops, {approximate} still approximate "
        f"(provider {current_app.config.get('GEOCODER_PROVIDER')})"
    )
