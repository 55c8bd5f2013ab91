"""Downloads of the people search and the household list as CSV or Excel, logged."""

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from welfare import exports
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.extensions import db
from welfare.roster import bp, queries
from welfare.roster.models import Household
from welfare.roster.views import search_filters
from welfare.uow import unit_of_work
from welfare.web import masked_id, show_date, village_name

BATCH = 1000


def _full_id_wanted(list_endpoint):
    """Whole ID numbers only for staff and admins who asked for them and said why; without
    a purpose they go back to the list with the question open."""
    if request.args.get("full_id") != "1":
        return False
    if not current_user.has_role(*CLERKS):
        abort(403)
    if not _purpose():
        args = {k: v for k, v in request.args.items() if k not in ("full_id", "purpose")}
        abort(redirect(url_for(list_endpoint, missing_purpose=1, **args) + "#purpose"))
    return True


def _purpose():
    return request.args.get("purpose", "").strip()[:200]


def _count(stmt):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )


def _yes_no(value):
    return _("Yes") if value else _("No")


def _people_rows(stmt, full_id):
    # ROC text in Chinese (zero-padded, so it sorts) and ISO in English, like the screens.
    for p in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        yield [
            p.id_number if full_id else masked_id(p.id_number), p.name,
            {"M": _("Male"), "F": _("Female")}.get(p.sex, p.sex), show_date(p.birth_date),
            village_name(p.village), p.neighbourhood, p.address, p.phone, p.mobile,
            show_date(p.registered_on), _yes_no(p.indigenous),
            {"registered": _("Registered"), "moved_out": _("Moved out"),
             "deceased": _("Deceased")}.get(p.status, p.status),
        ]


def _household_rows(stmt, full_id, today):
    stmt = stmt.options(joinedload(Household.head), selectinload(Household.members),
                        selectinload(Household.statuses))
    kinds = {"low": _("Low-income (低收入戶)"), "mid_low": _("Middle-to-low income (中低收入戶)")}
    for h in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        status = h.current_status(today)
        head_id = h.head.id_number if h.head else ""
        yield [
            h.household_no, village_name(h.village), h.neighbourhood, h.address,
            h.head.name if h.head else "", head_id if full_id else masked_id(head_id),
            len(h.members), kinds.get(status.kind, "") if status else "",
            status.category.name_zh if status and status.category else "",
            show_date(status.certified_until) if status else "",
        ]


def _download(what, fmt, headers, rows, count, filters):
    full_id = request.args.get("full_id") == "1"
    with unit_of_work():  # the log is kept before any row leaves
        exports.log_export(what, count, fmt, current_user, full_id=full_id, filters=filters,
                           purpose=_purpose() if full_id else None)
    name = f"{what}-{date.today():%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f"attachment; filename={name}",
                   "Cache-Control": "no-store"}
    if fmt == "csv":
        return Response(stream_with_context(exports.csv_chunks(headers, rows)),
                        mimetype=exports.CSV_MIMETYPE, headers=disposition)
    return Response(exports.to_xlsx(headers, rows, title=what), mimetype=exports.XLSX_MIMETYPE,
                    headers=disposition)


@bp.route("/people/export.<any(csv, xlsx):fmt>")
@roles_required(*OFFICE)
def export_people(fmt):
    full_id = _full_id_wanted("roster.people")
    filters = search_filters()
    stmt = queries.people_stmt(filters, current_user)
    # Headers match the importer's, so an export with whole ID numbers can be imported back.
    headers = [_("ID number"), _("Name"), _("Sex"), _("Date of birth"),
               _("Village"), _("Neighbourhood"), _("Address"), _("Phone"), _("Mobile"),
               _("Registered on"), _("Indigenous"), _("Status")]
    return _download("people", fmt, headers, _people_rows(stmt, full_id), _count(stmt), filters)


@bp.route("/households/export.<any(csv, xlsx):fmt>")
@roles_required(*OFFICE)
def export_households(fmt):
    full_id = _full_id_wanted("roster.households")
    filters = {k: request.args.get(k, "").strip() for k in ("village", "address", "category")}
    stmt = queries.households_stmt(filters, current_user)
    headers = [_("Household number"), _("Village"), _("Neighbourhood"), _("Address"),
               _("Head"), _("Head's ID number"), _("Members"), _("Status"), _("Category"),
               _("Certified until")]
    rows = _household_rows(stmt, full_id, date.today())
    return _download("households", fmt, headers, rows, _count(stmt), filters)

