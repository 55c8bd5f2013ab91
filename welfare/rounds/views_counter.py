"""The payout counter: find a person by ID number or sheet code, record in one or two taps."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import int_arg
from welfare.rounds import bp, payouts, queries
from welfare.rounds.forms import LookupForm, PayoutForm, ReverseForm
from welfare.rounds.models import Payout, RoundEntry
from welfare.rounds.views import PREPARERS, READERS, get_round


def visible_entry(round_id, entry_id):
    entry = scope.get_or_404(RoundEntry, entry_id)
    if entry.round_id != round_id:
        abort(404)
    return entry


def commit_keeping_loaded():
    """Commit without expiring what this request already loaded."""
    # The reply only needs values read in this transaction; expiring them would make the
    # signed-in user (read again by every after_request hook) cost two more queries.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@bp.route("/<int:round_id>/counter")
@roles_required(*PREPARERS)
def counter(round_id):
    round_ = get_round(round_id)
    form = LookupForm(request.args)
    entry, not_found = None, False
    if request.args.get("q"):
        entry = queries.lookup(round_.id, form.q.data)
        if entry is None:
            not_found = True
    current = payouts.effective_payout(entry.id) if entry else None
    paid = int_arg("paid", minimum=1)
    paid = queries.paid_notice(round_.id, paid) if paid else None
    return render_template("rounds/counter.html", round=round_, form=form, entry=entry,
                           current=current, not_found=not_found, paid=paid,
                           recent=queries.recent_payouts(round_.id, 5))


@bp.route("/<int:round_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def entry(round_id, entry_id):
    round_ = get_round(round_id)
    entry = visible_entry(round_id, entry_id)
    form = PayoutForm(outcome=request.args.get("outcome", "elder"))
    errors = []
    if request.method == "POST":
        if current_user.role not in PREPARERS:
            abort(403)
        if form.validate_on_submit():
            try:
                payouts.record_payout(entry, form.outcome.data, actor=current_user,
                                      on=form.paid_on.data, proxy=form.proxy(),
                                      note=form.note.data)
            except ServiceError as exc:
                db.session.rollback()
                errors = exc.apply_to(form)
            else:
                db.session.commit()
                flash(_("Recorded for %(name)s.", name=entry.name), "success")
                return redirect(url_for("rounds.counter", round_id=round_id))
    return render_template("rounds/entry.html", round=round_, entry=entry, form=form,
                           errors=errors, history=queries.payouts_of(entry.id),
                           current=payouts.effective_payout(entry.id),
                           reverse_form=ReverseForm())


@bp.route("/<int:round_id>/entries/<int:entry_id>/paid", methods=["POST"])
@roles_required(*PREPARERS)
def paid(round_id, entry_id):
    """The one-tap button: paid to the elder today."""
    # One query reads what the rules need; one statement writes the payout and its audit row.
    claim = queries.claim(round_id, entry_id)
    if claim is None:
        abort(404)
    try:
        payout_id = payouts.record_claim(claim, "elder", actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("rounds.counter", round_id=round_id, q=claim.token))
    commit_keeping_loaded()
    # The notice comes from the payout itself, not from a flash kept in the session cookie.
    return redirect(url_for("rounds.counter", round_id=round_id, paid=payout_id))


@bp.route("/<int:round_id>/payouts/<int:payout_id>/reverse", methods=["POST"])
@roles_required(*PREPARERS)
def reverse(round_id, payout_id):
    payout = scope.get_or_404(Payout, payout_id)
    entry = visible_entry(round_id, payout.entry_id)
    form = ReverseForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(_("Say why this outcome is being reversed."))
        payouts.reverse_payout(payout, form.reason.data, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Reversed. Record the right outcome now."), "success")
    return redirect(url_for("rounds.entry", round_id=round_id, entry_id=entry.id))
