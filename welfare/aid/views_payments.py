"""Reversing a payment (a check page first), the bank transfers: their files and the
bank's result file."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.aid import bp, labels, payments, queries
from welfare.aid.forms import BankResultForm, ReversalForm
from welfare.aid.models import AidPayment
from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, SUPERVISORS, roles_required
from welfare.errors import ServiceError
from welfare.rounds.models import BANKS
from welfare.rounds.view_helpers import download
from welfare.uow import unit_of_work


@bp.route("/<int:case_id>/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@roles_required(*OFFICE)
def reverse(case_id, payment_id):
    """GET: the check page (the payment, what reversing does); POST: reverse with a reason.
    A payment outside the user's villages is not found, whatever their role."""
    payment = scope.get_or_404(AidPayment, payment_id)
    if payment.case_id != case_id:
        abort(404)
    if not current_user.has_role(*SUPERVISORS):
        abort(403)
    target = url_for("aid.show", case_id=case_id)
    form = ReversalForm()
    errors = []
    try:
        payments.check_reversal(payment)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(target)
    if request.method == "POST":
        if form.validate_on_submit():
            with unit_of_work(form) as work:
                payments.reverse_payment(payment, form.reason.data, actor=current_user)
            if work.ok:
                flash(_("Payment reversed. The case can be paid again."), "success")
                return redirect(target)
            errors = work.errors
        else:
            errors = list(form.errors.get("csrf_token", ()))
    return render_template("aid/check_reverse.html", case=payment.case, payment=payment,
                           form=form, errors=errors, labels=labels), \
        400 if request.method == "POST" else 200


@bp.route("/bank", methods=["GET", "POST"])
@roles_required(*CLERKS)
def bank():
    """The transfers waiting for each bank's result, their files, and the result upload."""
    form = BankResultForm()
    errors, done = [], None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if not upload or not upload.filename:
            errors = [_("Choose a file to upload.")]
        else:
            with unit_of_work(form) as work:
                done = payments.record_bank_results(upload.filename, upload.read(),
                                                    current_user, date.today())
            if work.ok:
                flash(_("Bank results recorded: %(paid)s paid, %(failed)s failed (back to "
                        "unpaid).", paid=done[0], failed=done[1]), "success")
                return redirect(url_for("aid.bank"))
            errors = work.errors
    return render_template("aid/bank.html", form=form, errors=errors, banks=BANKS,
                           pending=queries.pending_transfers(), labels=labels,
                           cases=queries.case_list("in_bank", None, date.today(), 0, 1,
                                                   10_000).items), 400 if errors else 200


@bp.route("/bank/<bank>.csv")
@roles_required(*CLERKS)
def bank_csv(bank):
    if bank not in BANKS:
        abort(404)
    columns = [c.strip() for c in request.args.get("columns", "").split(",") if c.strip()]
    with unit_of_work() as work:
        data, _count = payments.bank_file(bank, current_user, columns or None)
    if work.failed:
        work.flash_errors()
        return redirect(url_for("aid.bank"))
    return download(data, "text/csv", f"aid-{bank}-{date.today().isoformat()}.csv")
