from flask import Blueprint
from sqlalchemy.orm import joinedload

from welfare.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    from welfare.auth.models import User

    # Every signed-in request runs this: the villages come in the same select (a join),
    # not in a second one as User.villages' default "selectin" would.
    user = db.session.get(User, int(user_id), options=[joinedload(User.villages)])
    return user if user is not None and user.is_active else None


from welfare.auth import views  # noqa: E402,F401
from welfare.auth.cli import users_cli  # noqa: E402

cli_commands = [users_cli]
