"""Who may do what. Views declare roles; welfare.auth.scope narrows the rows they see."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from welfare.auth.models import OFFICE_ROLES

# The role sets, in one place. Every view names one of these.
OFFICE = OFFICE_ROLES  # office pages: read people, rounds, deliveries, visits, statistics
CLERKS = ("admin", "staff")  # change the register, prepare rounds, record payouts
ADMINS = ("admin",)  # accounts and settings
SERVICEMEN = ("serviceman",)
VOLUNTEERS = ("volunteer",)
PHONE_ROUTES = ("serviceman", *OFFICE)  # a route sheet on the phone
API_CALLERS = (*OFFICE, "volunteer")  # the visits API

# Older names, kept until every domain names the sets above.
ROSTER_READERS = SENSITIVE_READERS = AUDIT_READERS = OFFICE
ROSTER_WRITERS = CLERKS
USER_ADMINS = ADMINS


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
