"""The payout counter: find a person by ID number or sheet code, record in one or two taps."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.errors import ServiceError
from welfare.params import int_arg
from welfare.rounds import bp, payouts, queries
from welfare.rounds.forms import LookupForm, PayoutForm, ReverseForm
from welfare.rounds.models import Payout
from welfare.rounds.view_helpers import (
    act,
    get_round,
    require_role,
    visible_entry,
)
from welfare.uow import unit_of_work


@bp.route("/<int:round_id>/counter")
@roles_required(*CLERKS)
def counter(round_id):
    round_ = get_round(round_id)
    form = LookupForm(request.args)
    entry = queries.lookup(round_.id, form.q.data) if request.args.get("q") else None
    paid = int_arg("paid", minimum=1)
    return render_template("rounds/counter.html", round=round_, form=form, entry=entry,
                           current=payouts.effective_payout(entry.id) if entry else None,
                           not_found=bool(request.args.get("q")) and entry is None,
                           paid=queries.paid_notice(round_.id, paid) if paid else None,
                           recent=queries.recent_payouts(round_.id, 5))


@bp.route("/<int:round_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def entry(round_id, entry_id):
    round_ = get_round(round_id)
    entry = visible_entry(round_id, entry_id)
    form = PayoutForm(outcome=request.args.get("outcome", "elder"))
    errors = []
    if request.method == "POST":
        require_role(CLERKS)
        if form.validate_on_submit():
            with unit_of_work(form) as work:
                payouts.record_payout(entry, form.outcome.data, actor=current_user,
                                      on=form.paid_on.data, proxy=form.proxy(),
                                      note=form.note.data)
            if work.ok:
                flash(_("Recorded for %(name)s.", name=entry.name), "success")
                return redirect(url_for("rounds.counter", round_id=round_id))
            errors = work.errors
    return render_template("rounds/entry.html", round=round_, entry=entry, form=form,
                           errors=errors, history=queries.payouts_of(entry.id),
                           current=payouts.effective_payout(entry.id),
                           reverse_form=ReverseForm())


@bp.route("/<int:round_id>/entries/<int:entry_id>/paid", methods=["POST"])
@roles_required(*CLERKS)
def paid(round_id, entry_id):
    """The one-tap button: paid to the elder today."""
    # One query reads what the rules need; one statement writes the payout and its audit row.
    # Nothing is read after the commit (a loaded user stays authenticated without a reload):
    # tests/rounds/test_concurrency.py counts the statements.
    claim = queries.claim(round_id, entry_id)
    if claim is None:
        abort(404)
    with unit_of_work() as work:
        payout_id = payouts.record_claim(claim, "elder", actor=current_user)
    if work.failed:
        work.flash_errors()
        return redirect(url_for("rounds.counter", round_id=round_id, q=claim.token))
    # The notice comes from the payout itself, not from a flash kept in the session cookie.
    return redirect(url_for("rounds.counter", round_id=round_id, paid=payout_id))


@bp.route("/<int:round_id>/payouts/<int:payout_id>/reverse", methods=["POST"])
@roles_required(*CLERKS)
def reverse(round_id, payout_id):
    payout = scope.get_or_404(Payout, payout_id)
    entry = visible_entry(round_id, payout.entry_id)
    form = ReverseForm()

    def reverse_it():
        if not form.validate_on_submit():
            raise ServiceError(_("Say why this outcome is being reversed."))
        return payouts.reverse_payout(payout, form.reason.data, actor=current_user)

    return act(url_for("rounds.entry", round_id=round_id, entry_id=entry.id), reverse_it,
               lambda _r: _("Reversed. Record the right outcome now."))
