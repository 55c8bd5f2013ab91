"""The menu each role sees, and the role sets templates name; above every domain, since
it names their pages and auth's role sets (welfare.web stays below them)."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from welfare.auth.models import ROLES
from welfare.auth.permissions import ADMINS, CLERKS, OFFICE, SERVICEMEN, SUPERVISORS, VOLUNTEERS

# (endpoint, label, roles, section) of each menu entry.
NAV = [
    ("auth.home", _l("Home"), ROLES, "home"),
    ("roster.people", _l("Residents"), OFFICE, "roster"),
    ("roster.households", _l("Households"), OFFICE, "households"),
    ("roster.elders", _l("Isolated elders"), OFFICE, "elders"),
    ("rounds.index", _l("Elder gifts"), OFFICE, "rounds"),
    ("delivery.index", _l("Deliveries"), OFFICE, "delivery"),
    ("delivery.my_routes", _l("My routes"), SERVICEMEN, "my_routes"),
    ("visits.board", _l("Home visits"), OFFICE, "visits"),
    ("visits.app", _l("My elders"), VOLUNTEERS, "visits_app"),
    ("inquiries.index", _l("Inquiries"), OFFICE, "inquiries"),
    ("aid.index", _l("Emergency aid"), OFFICE, "aid"),
    ("reports.dashboard", _l("Statistics"), OFFICE, "reports"),
    ("notify.outbox", _l("Outbox"), OFFICE, "notify"),
    ("auth.audit_log", _l("Audit log"), OFFICE, "audit"),
    ("auth.users", _l("Accounts"), ADMINS, "users"),
]


def nav_items():
    section = getattr(request, "nav_section", None) or _section_of(request.endpoint)
    items = []
    for endpoint, label, roles, key in NAV:
        if current_user.role in roles:
            items.append({"endpoint": endpoint, "label": label, "current": key == section})
    return items


def _section_of(endpoint):
    """Guess the menu section from the endpoint name ('roster.person_edit' -> 'roster')."""
    if not endpoint:
        return None
    blueprint, _, view = endpoint.partition(".")
    if blueprint == "roster":
        if view.startswith("household"):
            return "households"
        if view.startswith("elder"):
            return "elders"
        return "roster"
    if blueprint == "auth":
        return {"audit_log": "audit", "users": "users", "user_new": "users",
                "user_edit": "users", "holiday_list": "users"}.get(view, "home")
    return blueprint


def register_menu(app):
    # Each domain's part of the home work list registers itself with auth.worklist.
    from welfare.aid import home as _aid_home  # noqa: F401
    from welfare.delivery import home as _delivery_home  # noqa: F401
    from welfare.jobs import home as _jobs_home  # noqa: F401
    from welfare.roster import home as _roster_home  # noqa: F401
    from welfare.rounds import home as _rounds_home  # noqa: F401
    from welfare.visits import home as _visits_home  # noqa: F401

    app.jinja_env.globals["nav_items"] = nav_items
    # Templates name the role sets as views do: {% if current_user.has_role(*CLERKS) %}
    app.jinja_env.globals.update(OFFICE=OFFICE, CLERKS=CLERKS, ADMINS=ADMINS,
                                 SUPERVISORS=SUPERVISORS)
