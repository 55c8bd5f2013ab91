import click
import sqlalchemy as sa
from flask.cli import AppGroup

from welfare.auth.models import User
from welfare.extensions import db

notify_cli = AppGroup("notify", help="Notifications: the outbox and contact addresses.")


@notify_cli.command("send-due")
def send_due_command():
    """Send every queued message whose next try is due (for cron)."""
    from welfare.notify.services import deliver_due

    click.echo(deliver_due())


@notify_cli.command("contact")
@click.argument("username")
@click.option("--email", default="")
@click.option("--mobile", default="")
def contact_command(username, email, mobile):
    """Set where an account is told things."""
    from welfare.notify.services import set_contact

    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no account called {username}")
    set_contact(user, email, mobile)
    db.session.commit()
