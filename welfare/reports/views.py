"""Staff statistics: the dashboard, the village map and XLSX downloads of every table."""

from flask import abort, render_template, request
from flask_login import current_user

from welfare.auth.permissions import roles_required
from welfare.extensions import db
from welfare.reports import bp, dashboard, export, villagemap
from welfare.reports import cache as report_cache

REPORT_READERS = ("admin", "staff", "supervisor")


def _scope():
    return dashboard.scope_for(request.args, current_user)


def _filters(scope):
    return {
        "village": request.args.get("village", ""),
        "start": f"{scope.period.start:%Y-%m}",
        "end": f"{scope.period.end:%Y-%m}",
        "round": request.args.get("round", ""),
    }


@bp.route("/reports", endpoint="dashboard")
@roles_required(*REPORT_READERS)
def dashboard_page():
    scope = _scope()
    page = render_template(
        "reports/dashboard.html", figures=dashboard.all_figures(scope), scope=scope,
        filters=_filters(scope), villages=dashboard.selectable_villages(current_user),
        rounds=dashboard.selectable_rounds(scope), period=dashboard.describe_period(scope),
        freshness=dashboard.freshness(scope), cache_minutes=report_cache.seconds() // 60,
    )
    db.session.commit()  # a roster snapshot counted for this page is kept for the next
    return page


@bp.route("/reports/map", endpoint="map")
@roles_required(*REPORT_READERS)
def map_page():
    scope = _scope()
    measures = dashboard.measures(scope)
    wanted = request.args.get("measure", "villages.seniors")
    chosen = next((m for m in measures if f"{m[0]}.{m[1]}" == wanted), measures[0])
    figure = dashboard.figure(scope, chosen[0])
    column = next(c for c in figure.columns if c.key == chosen[1])
    drawn = villagemap.choropleth(scope.villages(), figure.by_village[column.key], column)
    page = render_template(
        "reports/map.html", scope=scope, filters=_filters(scope), measures=measures,
        chosen=f"{chosen[0]}.{chosen[1]}", label=chosen[2], column=column, figure=figure,
        drawn=drawn, villages=dashboard.selectable_villages(current_user),
        rounds=dashboard.selectable_rounds(scope),
        period=dashboard.describe_period(scope), freshness=dashboard.freshness(scope),
        cache_minutes=report_cache.seconds() // 60,
    )
    db.session.commit()
    return page


@bp.route("/reports/<key>.xlsx")
@roles_required(*REPORT_READERS)
def figure_xlsx(key):
    scope = _scope()
    figure = dashboard.figure(scope, key)
    if figure is None:
        abort(404)
    response = export.xlsx_response(figure, scope, actor=current_user)
    db.session.commit()
    return response
