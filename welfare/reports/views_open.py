"""Open data for everyone, no sign-in: a page listing the datasets, CSV and JSON files."""

from datetime import date

from flask import Response, abort, current_app, render_template

from welfare.auth import scope
from welfare.reports import bp, opendata, opendata_sets
from welfare.uow import unit_of_work


def _datasets():
    today = date.today()
    as_of = opendata.cutoff(today)

    @scope.sees_everything  # published district totals, for visitors who are not signed in
    def compute():
        return [d for d in (build(as_of) for build in opendata_sets.builders()) if d]

    if current_app.testing:
        return compute()
    with unit_of_work():  # a roster snapshot counted for these is kept for the next
        return opendata.cache.get("all", today, compute)


def _dataset(slug):
    found = next((d for d in _datasets() if d.slug == slug), None)
    if found is None:
        abort(404)
    return found


def _public(response, slug, ext):
    response.headers["Content-Disposition"] = f'inline; filename="linyuan-{slug}.{ext}"'
    response.headers["Link"] = f'<{opendata.LICENSE_URL}>; rel="license"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/open-data", endpoint="open_data")
def open_data_page():
    return render_template("reports/open_data.html", datasets=_datasets(),
                           license=opendata.LICENSE, license_url=opendata.LICENSE_URL,
                           publisher=opendata.publisher())


@bp.route("/open-data/<slug>.csv", endpoint="open_data_csv")
def open_data_csv(slug):
    dataset = _dataset(slug)
    return _public(Response(opendata.to_csv(dataset), mimetype="text/csv",
                            content_type="text/csv; charset=utf-8"), slug, "csv")


@bp.route("/open-data/<slug>.json", endpoint="open_data_json")
def open_data_json(slug):
    dataset = _dataset(slug)
    meanings = {c.key: str(c.meaning) for c in dataset.columns}
    return _public(Response(opendata.to_json(dataset, meanings),
                            content_type="application/json; charset=utf-8"), slug, "json")
