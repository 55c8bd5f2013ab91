import json

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from welfare.extensions import db
from welfare.geo import atlas, district
from welfare.geo.models import Village

villages_cli = AppGroup("villages", help="The district's villages (里) from the MOI village map.")


@villages_cli.command("load")
def load_command():
    """Add the configured district's villages that are missing; refresh names and centroids."""
    with db.engine.begin() as connection:
        added, updated = district.ensure_villages(
            connection, current_app.config["WELFARE_DISTRICT"])
    names = ", ".join(f"{d.county}{d.name}" for d in current_app.config["DISTRICTS"])
    click.echo(f"{names}: {added} villages added, {updated} updated.")


@villages_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the villages as JSON.")
def list_command(as_json):
    """The villages in the database: code, name, English name and centroid."""
    villages = db.session.scalars(sa.select(Village).order_by(Village.code)).all()
    rows = [{"code": v.code, "name": v.name_zh, "name_en": v.name_en,
             "centroid": {"lat": v.centroid_lat, "lng": v.centroid_lng}} for v in villages]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['code']}  {row['name']}  {row['name_en']}")


@villages_cli.command("towns")
@click.option("--county", help="Only this county or city, e.g. 花蓮縣.")
@click.option("--json", "as_json", is_flag=True, help="Print the towns as JSON.")
def towns_command(county, as_json):
    """Every town code WELFARE_DISTRICT accepts, with its name and number of villages."""
    towns = [t for t in atlas.towns() if not county or county in (t["county"], t["county_en"])]
    if as_json:
        click.echo(json.dumps(towns, ensure_ascii=False, indent=2))
        return
    for t in towns:
        click.echo(f"{t['code']}  {t['county']}{t['name']}  {t['name_en']}, "
                   f"{t['county_en']}  ({t['villages']})")
