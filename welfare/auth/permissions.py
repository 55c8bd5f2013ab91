"""Who may do what. Views declare roles; welfare.auth.scope narrows the rows they see."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

ROSTER_READERS = ("admin", "staff", "supervisor")
ROSTER_WRITERS = ("admin", "staff")
SENSITIVE_READERS = ("admin", "staff", "supervisor")
AUDIT_READERS = ("admin", "staff", "supervisor")
USER_ADMINS = ("admin",)


def roles_required(*roles):
    """Signed in with one of these roles, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
