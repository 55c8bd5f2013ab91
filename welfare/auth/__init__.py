import hmac

from flask import Blueprint
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from welfare.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id):
    from welfare.auth.models import User

    user_id, _sep, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    # Every signed-in request runs this: the villages come in the same select (a join),
    # not in a second one as User.villages' default "selectin" would.
    user = db.session.get(User, int(user_id), options=[joinedload(User.villages)])
    if user is None or not user.is_active:
        return None
    # The session names the account's current nonce, or was ended (sign-out elsewhere,
    # password change, deactivation).
    if not hmac.compare_digest(user.session_nonce.encode(), nonce.encode()):
        return None
    return user


def init_app(app):
    from welfare.auth import audit_labels

    app.jinja_env.globals.update(audit_action_label=audit_labels.action_label,
                                 audit_entity_label=audit_labels.entity_label)
    hops = app.config.get("TRUSTED_PROXY_HOPS", 0)
    if hops:
        # Behind nginx every request comes from 127.0.0.1: take the client's address (for
        # sign-in throttling and the audit log) from that many X-Forwarded-For hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


from welfare.auth import views, views_holidays  # noqa: E402,F401
from welfare.auth.cli import users_cli  # noqa: E402

cli_commands = [users_cli]
