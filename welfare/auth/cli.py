import click
import sqlalchemy as sa
from flask.cli import AppGroup

from welfare.auth import grants, services
from welfare.auth.models import ROLES
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="")
@click.option("--village", "village_codes", multiple=True, help="Limit to a village code.")
@click.option("--district", "district_codes", multiple=True,
              help="Limit to every village of a district (town code, e.g. 64000130).")
def create(username, role, password, display_name, village_codes, district_codes):
    """Create an account."""
    villages = db.session.scalars(sa.select(Village).where(Village.code.in_(village_codes))).all()
    if len(villages) != len(set(village_codes)):
        raise click.ClickException("unknown village code")
    for code in district_codes:
        theirs = db.session.scalars(sa.select(Village).where(
            Village.code.startswith(code, autoescape=True))).all()
        if len(code) != 8 or not theirs:
            raise click.ClickException(f"no villages of district {code} are loaded")
        villages.extend(v for v in theirs if v not in villages)
    try:
        user = services.create_user(username, password, role, display_name, villages=villages)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")


@users_cli.command("list")
def list_users():
    """List accounts."""
    from welfare.auth.models import User

    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.is_active else 'disabled'}")


@users_cli.command("grants")
@click.option("--database", default="welfare", show_default=True)
@click.option("--owner", default="welfare_owner", show_default=True)
@click.option("--app-role", default="welfare_app", show_default=True)
def print_grants(database, owner, app_role):
    """Print the SQL that sets up the schema owner and the app's lesser role."""
    try:
        setup = grants.superuser_statements(database, owner, app_role)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("-- once, as a superuser")
    click.echo(";\n".join(setup) + ";")
    click.echo(f"\\connect {database}")
    click.echo(";\n".join(grants.schema_statements(owner)) + ";")
    click.echo(f"-- as {owner}, after each flask db upgrade")
    click.echo(";\n".join(grants.grant_statements(owner, app_role)) + ";")
