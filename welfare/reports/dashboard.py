"""The dashboard's figures in order, the request's scope, and the measures the map can show."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.extensions import db
from welfare.reports import figures
from welfare.reports.rules import parse_period
from welfare.roster.models import Village


def builders():
    """Builder functions in page order; domains not installed add nothing."""
    from welfare.reports import figures_domains as d

    return [figures.by_village, figures.age_sex, figures.categories,
            d.round_progress, d.round_villages, d.delivery_completion, d.delivery_villages,
            d.visit_coverage, d.visit_villages, d.trends]


def scope_for(args, user, today=None):
    """A Scope from the query string (village, start, end), narrowed to the user's villages."""
    today = today or date.today()
    period = parse_period(args.get("start"), args.get("end"), today)
    allowed = set(user.village_ids) if user is not None else set()
    village_ids = set(allowed) or None
    code = (args.get("village") or "").strip()
    if code:
        village_id = db.session.scalar(sa.select(Village.id).where(Village.code == code))
        if village_id is not None and (not allowed or village_id in allowed):
            village_ids = {village_id}
    round_id = args.get("round", type=int) if hasattr(args, "getlist") else None
    return figures.Scope(period=period, today=today, village_ids=village_ids,
                         round_id=round_id)


def selectable_villages(user):
    """The villages a user may filter by: theirs, or all."""
    return figures.queries.villages(user.village_ids or None)


def selectable_rounds(scope):
    """Elder-gift rounds that can be chosen for the per-village progress figure."""
    from welfare.reports import figures_domains

    return figures_domains.rounds_in_period(scope)


def all_figures(scope):
    return scope.once("figures", lambda: [f for f in (b(scope) for b in builders()) if f])


def figure(scope, key):
    for built in all_figures(scope):
        if built.key == key:
            return built
    return None


def measures(scope):
    """(figure key, column key, label) for every per-village number the map can show."""
    found = []
    for built in all_figures(scope):
        for column in built.columns:
            if column.key in built.by_village:
                found.append((built.key, column.key, f"{built.title}: {column.label}"))
    return found


def default_measure():
    return "villages", "seniors"


def describe_period(scope):
    from welfare.web import show_date

    return _("%(start)s to %(end)s", start=show_date(scope.period.start),
             end=show_date(scope.period.end))
