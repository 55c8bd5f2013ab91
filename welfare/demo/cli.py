"""`flask demo seed` and `flask demo ensure`: accounts, then each domain's demo data."""

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from welfare.auth.models import User
from welfare.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_ACCOUNTS = [
    ("admin", "admin", "系統管理員"),
    ("staff", "staff", "社會課承辦人 王小明"),
    ("supervisor", "supervisor", "社會課課長 陳美玲"),
    ("volunteer", "volunteer", "志工 林阿滿"),
    ("serviceman", "serviceman", "替代役男 張志豪"),
]


@dataclass
class SeedContext:
    """What each domain's `seed(ctx)` gets: a seeded RNG, today, the demo accounts."""

    rng: random.Random
    today: date
    people: int
    password: str
    users: dict = field(default_factory=dict)
    echo: callable = click.echo


def _credentials_file():
    return Path(current_app.instance_path) / "demo-logins.txt"


def create_accounts(ctx):
    for username, role, name in DEMO_ACCOUNTS:
        user = User(username=username, role=role, display_name=name)
        user.set_password(ctx.password)
        db.session.add(user)
        ctx.users[role] = user
    db.session.flush()


def seed_all(ctx):
    """Accounts first, then each domain's demo data, lower domains first."""
    from welfare.aid import demo as aid_demo
    from welfare.delivery import demo as delivery_demo
    from welfare.inquiries import demo as inquiries_demo
    from welfare.roster import demo as roster_demo
    from welfare.rounds import demo as rounds_demo
    from welfare.visits import demo as visits_demo

    create_accounts(ctx)
    for name, seed_domain in (("roster", roster_demo.seed), ("rounds", rounds_demo.seed),
                              ("delivery", delivery_demo.seed), ("visits", visits_demo.seed),
                              ("inquiries", inquiries_demo.seed), ("aid", aid_demo.seed)):
        started = time.perf_counter()
        seed_domain(ctx)
        db.session.commit()
        ctx.echo(f"  {name}: {time.perf_counter() - started:.1f} s")


def print_logins(password):
    click.echo("Demo logins (username / password):")
    for username, _role, name in DEMO_ACCOUNTS:
        click.echo(f"  {username:<11} {password}   {name}")


@demo_cli.command("seed")
@click.option("--people", default=15000, show_default=True, help="How many residents.")
@click.option("--password", default=None,
              help="Password for the demo accounts (random if omitted).")
@click.option("--seed", "rng_seed", default=832, show_default=True, help="Random seed.")
def seed(people, password, rng_seed):
    """Load believable residents of the district into an empty database."""
    if db.session.scalar(sa.select(sa.func.count(User.id))):
        raise click.ClickException("the database already has accounts; seed an empty database")
    password = password or secrets.token_urlsafe(9)
    ctx = SeedContext(rng=random.Random(rng_seed), today=date.today(), people=people,
                      password=password)
    started = time.perf_counter()
    seed_all(ctx)
    click.echo(f"seeded in {time.perf_counter() - started:.1f} s")
    print_logins(password)


@demo_cli.command("ensure")
def ensure():
    """Seed demo data on first start; print the demo logins every time."""
    path = _credentials_file()
    if not db.session.scalar(sa.select(sa.func.count(User.id))):
        password = secrets.token_urlsafe(9)
        ctx = SeedContext(rng=random.Random(832), today=date.today(), people=15000,
                          password=password)
        click.echo("Loading demo data (first start)...")
        seed_all(ctx)
        path.write_text(password, encoding="utf-8")
        path.chmod(0o600)
    if path.exists():
        print_logins(path.read_text(encoding="utf-8").strip())
    else:
        click.echo("Accounts exist already; demo logins were not created by this install.")
