"""The data-quality page, its lists and its Excel download."""

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.params import page_arg
from welfare.roster import bp, quality, quality_store, queries
from welfare.roster.views_export import _count, _download
from welfare.uow import unit_of_work
from welfare.web import masked_id, show_date, village_name


def _village_arg():
    code = request.args.get("village", "").strip()
    return code if code in {v.code for v in queries.villages()} else ""


def _counts():
    """(counts by village, villages in scope, when they were counted or None: just now)."""
    villages = queries.villages()
    kept = quality_store.stored({v.id for v in villages})
    if kept is not None:
        return kept[0], villages, kept[1]
    found, villages = quality.counts()
    return found, villages, None


@bp.route("/people/quality")
@roles_required(*OFFICE)
def quality_page():
    found, villages, counted_at = _counts()
    rows = [{"village": v, "counts": {c.key: found.get(v.id, {}).get(c.key, 0)
                                      for c in quality.CHECKS}} for v in villages]
    total = {"village": None, "counts": {c.key: sum(r["counts"][c.key] for r in rows)
                                         for c in quality.CHECKS}}
    columns = [{"key": c.key, "label": c.label, "numeric": True} for c in quality.CHECKS]
    return render_template("roster/quality.html", columns=columns, rows=rows, total=total,
                           today=date.today(), counted_at=counted_at)


@bp.route("/people/quality/recount", methods=["POST"])
@roles_required(*CLERKS)
def quality_recount():
    with unit_of_work():
        job = quality_store.request_recount(current_user, url_for("roster.quality_page"))
    return redirect(url_for("jobs.job", job_id=job.id))


@bp.route("/people/quality/<check>")
@roles_required(*OFFICE)
def quality_list(check):
    if check not in quality.PERSON_CHECKS:
        abort(404)
    village = _village_arg()
    stmt = quality.people_stmt(check, village)
    pagination = queries.paginate_stmt(stmt, page_arg(), current_app.config["PER_PAGE"])
    return render_template("roster/quality_list.html", check=quality.BY_KEY[check],
                           pagination=pagination, village=village,
                           village_label=next((village_name(v) for v in queries.villages()
                                               if v.code == village), ""))


@bp.route("/people/quality.xlsx")
@roles_required(*OFFICE)
def quality_export():
    """The counts table as on the page: a row per village in scope and their total."""
    found, villages, _counted_at = _counts()
    headers = [_("Village")] + [str(c.label) for c in quality.CHECKS]
    rows = [[village_name(v)] + [found.get(v.id, {}).get(c.key, 0) for c in quality.CHECKS]
            for v in villages]
    rows.append([_("Total")] + [sum(r[i + 1] for r in rows) for i in range(len(quality.CHECKS))])
    return _download("quality", "xlsx", headers, rows, len(villages), {})


@bp.route("/people/quality/<check>.xlsx")
@roles_required(*OFFICE)
def quality_list_export(check):
    if check not in quality.PERSON_CHECKS:
        abort(404)
    village = _village_arg()
    stmt = quality.people_stmt(check, village)
    headers = [_("ID number"), _("Name"), _("Date of birth"), _("Village"),
               _("Neighbourhood"), _("Address"), _("Phone"), _("Mobile"), _("Registered on")]

    def rows():
        from welfare.extensions import db

        for p in db.session.scalars(stmt.execution_options(yield_per=1000)):
            yield [masked_id(p.id_number), p.name, show_date(p.birth_date),
                   village_name(p.village), p.neighbourhood, p.address, p.phone, p.mobile,
                   show_date(p.registered_on)]

    return _download(f"quality-{check}", "xlsx", headers, rows(), _count(stmt),
                     {"check": check, "village": village})
