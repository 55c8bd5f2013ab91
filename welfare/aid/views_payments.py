"""Reversing a payment (a check page first), recording money recovered, and the bank
transfers: their batches, files and the bank's result files."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.aid import batches, bp, labels, payments, queries
from welfare.aid.forms import BankResultForm, RecoveryForm, ReversalForm
from welfare.aid.models import AidBankBatch, AidPayment
from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, SUPERVISORS, roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.forms import TextForm
from welfare.rounds.models import BANKS
from welfare.rounds.view_helpers import download
from welfare.uow import unit_of_work


def _payment(case_id, payment_id):
    """The case's payment if the user's scope shows it, else 404."""
    payment = scope.get_or_404(AidPayment, payment_id)
    if payment.case_id != case_id:
        abort(404)
    return payment


@bp.route("/<int:case_id>/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@roles_required(*OFFICE)
def reverse(case_id, payment_id):
    """GET: the check page (the payment, what reversing does); POST: reverse with a reason
    and whether money is to be recovered. A supervisor who did not record the payment."""
    payment = _payment(case_id, payment_id)
    if not current_user.has_role(*SUPERVISORS):
        abort(403)
    target = url_for("aid.show", case_id=case_id)
    form = ReversalForm()
    errors = []
    try:
        payments.check_reversal(payment, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(target)
    if request.method == "POST":
        valid = form.validate_on_submit()
        if payment.money_out and form.recover.data not in ("yes", "no"):
            form.recover.errors = [*form.recover.errors,
                                   _("Say whether the money is to be recovered.")]
            valid = False
        if valid:
            with unit_of_work(form) as work:
                payments.reverse_payment(payment, form.reason.data, actor=current_user,
                                         to_recover=form.recover.data == "yes")
            if work.ok:
                flash(_("Payment reversed. The case can be paid again."), "success")
                return redirect(target)
            errors = work.errors
        else:
            errors = list(form.errors.get("csrf_token", ()))
    return render_template("aid/check_reverse.html", case=payment.case, payment=payment,
                           form=form, errors=errors, labels=labels), \
        400 if request.method == "POST" else 200


@bp.route("/<int:case_id>/payments/<int:payment_id>/recovered", methods=["GET", "POST"])
@roles_required(*CLERKS)
def recovered(case_id, payment_id):
    """GET: the check page of money recovered; POST: record when it came back (audited)."""
    payment = _payment(case_id, payment_id)
    target = url_for("aid.show", case_id=case_id)
    try:
        payments.check_recovery(payment)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(target)
    form = RecoveryForm()
    errors = []
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            payments.record_recovery(payment, form.returned_on.data, form.note.data,
                                     actor=current_user)
        if work.ok:
            flash(_("The money is recorded as returned."), "success")
            return redirect(target)
        errors = work.errors
    elif request.method == "POST":
        errors = list(form.errors.get("csrf_token", ()))
    return render_template("aid/check_recovery.html", case=payment.case, payment=payment,
                           form=form, errors=errors, labels=labels), \
        400 if request.method == "POST" else 200


@bp.route("/bank")
@roles_required(*CLERKS)
def bank():
    """The transfers waiting for a bank file, per bank, and the latest batches."""
    return render_template("aid/bank.html", form=TextForm(), banks=BANKS, labels=labels,
                           pending=queries.pending_transfers(), batches=queries.batches())


@bp.route("/bank/<bank>/batch", methods=["POST"])
@roles_required(*CLERKS)
def bank_batch(bank):
    """Download a bank's file: the waiting transfers in a new batch, or the open one again."""
    if bank not in BANKS:
        abort(404)
    form = TextForm()
    if not form.validate_on_submit():
        abort(400)
    columns = [c.strip() for c in request.args.get("columns", "").split(",") if c.strip()]
    with unit_of_work() as work:
        batch, _copy = batches.download_batch(bank, current_user)
        data, _count = batches.batch_file(batch, current_user, columns or None, logged=True)
        number = batch.id
    if work.failed:
        work.flash_errors()
        return redirect(url_for("aid.bank"))
    return download(data, "text/csv", f"aid-{bank}-batch-{number}.csv")


def _batch_or_404(batch_id):
    batch = db.session.get(AidBankBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/bank/batches/<int:batch_id>", methods=["GET", "POST"])
@roles_required(*CLERKS)
def batch(batch_id):
    """One batch: its transfers and their results, its file again, the result upload."""
    found = _batch_or_404(batch_id)
    form = BankResultForm()
    errors = []
    if form.validate_on_submit():
        upload = request.files.get("file")
        if not upload or not upload.filename:
            errors = [_("Choose a file to upload.")]
        else:
            with unit_of_work(form) as work:
                paid, failed, waiting = batches.record_bank_results(
                    found, upload.filename, upload.read(), current_user, date.today())
            if work.ok:
                flash(_("Bank results recorded: %(paid)s paid, %(failed)s failed (back to the "
                        "cases to pay), %(waiting)s still waiting.", paid=paid, failed=failed,
                        waiting=waiting), "success")
                return redirect(url_for("aid.batch", batch_id=batch_id))
            errors = work.errors
    elif request.method == "POST":
        errors = list(form.errors.get("csrf_token", ()))
    return render_template("aid/batch.html", batch=found, form=form, errors=errors,
                           labels=labels, payments=queries.batch_payments(found)), \
        400 if errors else 200


@bp.route("/bank/batches/<int:batch_id>.csv")
@roles_required(*CLERKS)
def batch_csv(batch_id):
    """The batch's file again: the same transfers, logged as a copy."""
    found = _batch_or_404(batch_id)
    with unit_of_work() as work:
        data, _count = batches.batch_file(found, current_user)
    if work.failed:
        work.flash_errors()
        return redirect(url_for("aid.batch", batch_id=batch_id))
    return download(data, "text/csv", f"aid-{found.bank}-batch-{found.id}-copy.csv")

