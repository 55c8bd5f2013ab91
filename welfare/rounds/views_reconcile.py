"""Sheets, notices, bank files, progress, typed-back sheets and the closing report."""

from collections import Counter
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.core.money import capitals_dollars
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.jobs import enqueue
from welfare.params import int_arg
from welfare.pdf import render_pdf
from welfare.rounds import bp, outcomes_job, queries, reconcile, sheets
from welfare.rounds.forms import OUTCOME_LABELS, SheetForm, UploadForm
from welfare.rounds.models import BANKS
from welfare.rounds.rules import home_delivery_cutoff, notice_deadline
from welfare.rounds.view_helpers import download, frozen_round
from welfare.uow import unit_of_work

PDF, CSV = "application/pdf", "text/csv"


@bp.route("/<int:round_id>/sheets")
@roles_required(*CLERKS)
def print_sheets(round_id):
    round_ = frozen_round(round_id)
    form = SheetForm(request.args)
    rows = form.rows.data = sheets.rows_per_page(int_arg("rows", 0))
    villages = queries.by_village(round_.id)
    form.village.choices = [("", _("Every village (one file each, in a ZIP)"))] + [
        (v["code"], f"{v['name']} ({v['people']})") for v in villages]
    if "village" not in request.args:
        home = queries.home_deliveries(round_)
        return render_template("rounds/sheets.html", round=round_, form=form,
                               villages=villages, banks=BANKS, home=home,
                               home_by_village=Counter(e.village_code for e in home),
                               home_cutoff=home_delivery_cutoff(round_.rules.reference_date),
                               can_notify=round_.status == "approved" and notice_deadline(
                                   date.today(), round_.payout_end, round_.late_claim_end))
    code = form.village.data or None
    if code and code not in {v["code"] for v in villages}:
        abort(404)
    batch = int_arg("batch", 0)
    options = {"village": code, "neighbourhoods": form.per_neighbourhood.data,
               "full_ids": form.full_ids.data, "batch": batch, "rows": rows}
    if code and not form.per_neighbourhood.data:
        with unit_of_work():
            reconcile.log_print(round_, current_user, code, form.full_ids.data,
                                rows=next(v["people"] for v in villages if v["code"] == code))
        village = db.first_or_404(db.select(Village).filter_by(code=code))
        sheet = sheets.village_sheet(round_, village, None, batch, form.full_ids.data, rows)
        return download(sheets.render_sheet(sheet), PDF, sheets.sheet_filename(sheet))
    with unit_of_work():
        job = enqueue("print_sheets", "welfare.rounds.reconcile.print_job", round_.id,
                      current_user.id, options, actor=current_user,
                      return_url=url_for("rounds.print_sheets", round_id=round_.id))
    return redirect(url_for("jobs.job", job_id=job.id))


@bp.route("/<int:round_id>/notices/<code>")
@roles_required(*CLERKS)
def notices(round_id, code):
    """Home-delivery notices for one village's centenarians still to be visited."""
    round_ = frozen_round(round_id)
    village = db.first_or_404(db.select(Village).filter_by(code=code)
                              .where(scope.village_filter(Village.id)))
    today = date.today()
    deadline = notice_deadline(today, round_.payout_end, round_.late_claim_end)
    if round_.status != "approved" or deadline is None:
        flash(_("Home-delivery notices can be printed only while the round is approved and "
                "gifts can still be claimed."), "error")
        return redirect(url_for("rounds.print_sheets", round_id=round_.id))
    entries = queries.home_deliveries(round_, village.id)
    header = sheets.sheet_header(round_, village)
    with unit_of_work():
        exports.log_export("round_notices", len(entries), "pdf", current_user,
                           filters={"round": round_.id}, villages={village.id})
    pdf = render_pdf("print/round_notices.html", round=round_, header=header, entries=entries,
                     dollars=capitals_dollars, deadline=deadline, today=today)
    return download(pdf, PDF, f"{village.code}-notices.pdf")


@bp.route("/<int:round_id>/bank/<bank>.csv")
@roles_required(*CLERKS)
def bank_csv(round_id, bank):
    round_ = frozen_round(round_id)
    if bank not in BANKS:
        abort(404)
    columns = [c.strip() for c in request.args.get("columns", "").split(",") if c.strip()]
    with unit_of_work() as work:
        data, _count = reconcile.bank_file(round_, bank, current_user, columns or None)
    if work.failed:
        work.flash_errors()
        return redirect(url_for("rounds.print_sheets", round_id=round_id))
    return download(data, CSV, f"round-{round_id}-{bank}.csv")


@bp.route("/<int:round_id>/progress")
@roles_required(*OFFICE)
def progress(round_id):
    round_, rows, total = _progress(round_id)
    return render_template("rounds/progress.html", round=round_, rows=rows, total=total,
                           labels=OUTCOME_LABELS)


@bp.route("/<int:round_id>/upload", methods=["GET", "POST"])
@roles_required(*CLERKS)
def upload(round_id):
    round_ = frozen_round(round_id)
    form = UploadForm()
    errors, problems, recorded, more, refused = [], [], None, 0, False
    if form.validate_on_submit():
        upload_file = request.files.get("file")
        if not upload_file or not upload_file.filename:
            errors = [_("Choose a file to upload.")]
        else:
            data, all_or_nothing, job = upload_file.read(), form.mode.data == "all", None
            with unit_of_work(form) as work:
                if _in_background(upload_file.filename, data):
                    job = outcomes_job.start(round_, upload_file.filename, data, current_user,
                                             all_or_nothing)
                else:
                    recorded, problems, more = reconcile.import_outcomes(
                        round_, upload_file.filename, data, current_user,
                        all_or_nothing=all_or_nothing)
            if job is not None and work.ok:
                return redirect(url_for("jobs.job", job_id=job.id))
            errors, refused = work.errors, work.failed
    return render_template("rounds/upload.html", round=round_, form=form, errors=errors,
                           problems=problems, more=more, recorded=recorded), \
        (400 if errors or refused else 200)


def _in_background(filename, data):
    """Sheets with more rows than ROUNDS_UPLOAD_BACKGROUND_ROWS are recorded in a job
    (a whole-file problem raises ServiceError here, before any job starts)."""
    _rows, count = reconcile.read_table(filename, data)
    return (count or 0) > current_app.config.get("ROUNDS_UPLOAD_BACKGROUND_ROWS", 1000)


@bp.route("/<int:round_id>/outcomes-template.csv")
@roles_required(*CLERKS)
def outcome_template(round_id):
    round_ = frozen_round(round_id)
    body = reconcile.outcome_template(round_)
    with unit_of_work():
        exports.log_export("round_outcomes_template", body.count(b"\n") - 1, "csv",
                           current_user, filters={"round": round_.id})
    return download(body, CSV, f"round-{round_id}-outcomes.csv")


@bp.route("/<int:round_id>/closing-report.pdf")
@roles_required(*OFFICE)
def closing_report(round_id):
    round_, rows, total = _progress(round_id)
    pdf = render_pdf("print/round_closing.html", round=round_, rows=rows, total=total,
                     header=sheets.sheet_header(round_, rows[0]["village"]) if rows else {},
                     dollars=capitals_dollars, today=date.today())
    return download(pdf, PDF, f"round-{round_id}-closing-report.pdf")


def _progress(round_id):
    """A frozen round with its outcomes counted by village, and the totals."""
    round_ = frozen_round(round_id)
    return round_, *queries.progress(round_.id)
