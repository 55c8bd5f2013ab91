"""The dashboard's figures in order, the request's scope, and the measures the map can show."""

import re
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth import scope
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.params import whole_number
from welfare.reports import figures, figures_aid, figures_delivery
from welfare.reports import figures_domains as d
from welfare.reports.rules import parse_period


def builders():
    """(figure key, builder) in page order."""
    return [("districts", figures.by_district), ("villages", figures.by_village),
            ("age_sex", figures.age_sex), ("categories", figures.categories),
            ("rounds", d.round_progress),
            ("round_villages", d.round_villages), ("deliveries", figures_delivery.completion),
            ("delivery_villages", figures_delivery.villages), ("visits", d.visit_coverage),
            ("visit_villages", d.visit_villages), ("aid", figures_aid.aid_causes),
            ("aid_villages", figures_aid.aid_villages), ("trends", d.trends)]


# Figures with a number per village, which the map can show.
MAPPABLE = ("villages", "round_villages", "delivery_villages", "visit_villages",
            "aid_villages")


def scope_for(args, user, today=None):
    """A Scope from the query string (district, village, start, end), narrowed to the user's
    villages; a village chosen outside the district chosen is taken as chosen."""
    today = today or date.today()
    period = parse_period(args.get("start"), args.get("end"), today)
    allowed = (scope.for_user(user).village_ids() or set()) if user is not None else set()
    village_ids = set(allowed) or None
    town = (args.get("district") or "").strip()
    if re.fullmatch(r"\d{8}", town):
        inside = set(db.session.scalars(sa.select(Village.id).where(
            Village.code.startswith(town, autoescape=True))))
        inside = inside & allowed if allowed else inside
        if inside:
            village_ids = inside
    code = (args.get("village") or "").strip()
    if code:
        village_id = db.session.scalar(sa.select(Village.id).where(Village.code == code))
        if village_id is not None and (not allowed or village_id in allowed):
            village_ids = {village_id}
    round_id = whole_number(args.get("round"), minimum=1) if hasattr(args, "getlist") else None
    figures.queries.fast_aggregates()
    return figures.Scope(period=period, today=today, village_ids=village_ids,
                         round_id=round_id)


def selectable_villages(user):
    """The villages a user may filter by: theirs, or all."""
    return figures.queries.villages(scope.for_user(user).village_ids())


def selectable_districts(user):
    """(code, name) of the districts a user may filter by: those whose villages they see, in
    a deployment of several (a city bureau); none when they see one district only."""
    codes = {v.code[:8] for v in selectable_villages(user)}
    shown = [(d.code, figures.district_label(d)) for d in current_app.config["DISTRICTS"]
             if d.code in codes]
    return shown if len(shown) > 1 else []


def selectable_rounds(scope):
    """Elder-gift rounds that can be chosen for the per-village progress figure."""
    return d.rounds_in_period(scope)


def figure(scope, key):
    """One figure, built once per request; None when unknown or its domain is absent."""
    build = dict(builders()).get(key)
    return scope.once(("figure", key), lambda: build(scope)) if build else None


def all_figures(scope):
    return [f for f in (figure(scope, key) for key, _build in builders()) if f]


def measures(scope):
    """(figure key, column key, label) for every per-village number the map can show."""
    found = []
    for built in (figure(scope, key) for key in MAPPABLE):
        if built is None:
            continue
        for column in built.columns:
            if column.key in built.by_village:
                found.append((built.key, column.key, f"{built.title}: {column.label}"))
    return found


def default_measure():
    return "villages", "seniors"


def freshness(scope):
    """When the page's roster figures were counted and what is happening to them: a
    recount under way (when it started), or due after a time, or neither."""
    roster = scope.roster()
    started = roster.recount_requested_at if roster.changed_since else None
    return {"counted_at": roster.counted_at, "recount_started": started,
            "recount_after": None if started else scope.roster_recount_after()}


def describe_period(scope):
    from welfare.web import show_date

    return _("%(start)s to %(end)s", start=show_date(scope.period.start),
             end=show_date(scope.period.end))
