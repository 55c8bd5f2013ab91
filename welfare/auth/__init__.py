from flask import Blueprint

from welfare.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    from welfare.auth.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


from welfare.auth import views  # noqa: E402,F401
from welfare.auth.cli import users_cli  # noqa: E402

cli_commands = [users_cli]
