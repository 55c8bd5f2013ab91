"""Staff statistics: the dashboard, the village map and XLSX downloads of every table.

Each page runs in a unit of work: a roster snapshot counted for it is kept for the next."""

from flask import abort, render_template, request
from flask_login import current_user

from welfare.auth.permissions import OFFICE, roles_required
from welfare.reports import bp, dashboard, export, villagemap
from welfare.reports import cache as report_cache
from welfare.uow import unit_of_work


def _scope():
    return dashboard.scope_for(request.args, current_user)


def _page(template, scope, **context):
    """A statistics page with the filters, period and freshness every one shows."""
    districts = dashboard.selectable_districts(current_user)
    filters = {
        "district": request.args.get("district", "") if districts else "",
        "village": request.args.get("village", ""),
        "start": f"{scope.period.start:%Y-%m}",
        "end": f"{scope.period.end:%Y-%m}",
        "round": request.args.get("round", ""),
    }
    return render_template(
        template, scope=scope, filters=filters,
        villages=dashboard.selectable_villages(current_user), districts=districts,
        rounds=dashboard.selectable_rounds(scope), period=dashboard.describe_period(scope),
        freshness=dashboard.freshness(scope), cache_minutes=report_cache.seconds() // 60,
        **context)


@bp.route("/reports", endpoint="dashboard")
@roles_required(*OFFICE)
def dashboard_page():
    with unit_of_work():
        scope = _scope()
        return _page("reports/dashboard.html", scope, figures=dashboard.all_figures(scope))


@bp.route("/reports/map", endpoint="map")
@roles_required(*OFFICE)
def map_page():
    with unit_of_work():
        scope = _scope()
        measures = dashboard.measures(scope)
        wanted = request.args.get("measure", "villages.seniors")
        chosen = next((m for m in measures if f"{m[0]}.{m[1]}" == wanted), measures[0])
        figure = dashboard.figure(scope, chosen[0])
        column = next(c for c in figure.columns if c.key == chosen[1])
        drawn = villagemap.choropleth(scope.villages(), figure.by_village[column.key], column)
        return _page("reports/map.html", scope, measures=measures,
                     chosen=f"{chosen[0]}.{chosen[1]}", label=chosen[2], column=column,
                     figure=figure, drawn=drawn)


@bp.route("/reports/<key>.xlsx")
@roles_required(*OFFICE)
def figure_xlsx(key):
    with unit_of_work():  # the export is written to the audit log
        scope = _scope()
        figure = dashboard.figure(scope, key)
        if figure is None:
            abort(404)
        return export.xlsx_response(figure, scope, actor=current_user)
