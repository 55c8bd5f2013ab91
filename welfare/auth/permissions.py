"""Who may do what. Views declare roles; welfare.auth.scope narrows the rows they see."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from welfare.auth.models import OFFICE_ROLES

# The role sets, in one place. Every view names one of these.
OFFICE = OFFICE_ROLES  # office pages: read people, rounds, deliveries, visits, statistics
CLERKS = ("admin", "staff")  # change the register, prepare rounds, record payouts
ADMINS = ("admin",)  # accounts and settings
SUPERVISORS = ("supervisor",)  # approve what a clerk prepared (four eyes)
SERVICEMEN = ("serviceman",)
VOLUNTEERS = ("volunteer",)
PHONE_ROUTES = ("serviceman", *OFFICE)  # a route sheet on the phone
API_CALLERS = (*OFFICE, "volunteer")  # the visits API


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
