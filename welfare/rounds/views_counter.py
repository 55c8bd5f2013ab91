"""The payout counter: find a person by ID number or sheet code, record in one or two taps."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.params import int_arg
from welfare.rounds import bp, lifts, payouts, queries, supplements
from welfare.rounds.forms import (
    GOODS_HEAD_LABEL,
    GOODS_OUTCOME_LABELS,
    HEAD_LABEL,
    LookupForm,
    PayoutForm,
    ReverseForm,
)
from welfare.rounds.models import Payout
from welfare.rounds.view_helpers import (
    get_round,
    require_role,
    visible_entry,
)
from welfare.uow import unit_of_work


def _held(entry):
    """Why this row may not be paid (its hold, or the register's status now), or None."""
    if entry is None:
        return None
    if entry.hold:
        return payouts.held_message(entry.hold, entry.hold_on)
    if entry.person.status != "registered":
        return payouts.held_message(entry.person.status, entry.person.status_date)
    return None


@bp.route("/<int:round_id>/counter")
@roles_required(*CLERKS)
def counter(round_id):
    round_ = get_round(round_id)
    form = LookupForm(request.args)
    typed = (request.args.get("q") or "").strip()
    entry = queries.lookup(round_.id, typed) if typed else None
    problem = queries.typing_problem(typed) if typed and entry is None else None
    wanted, matches = form.by_name(), None
    if wanted:
        matches = queries.find_by_name(round_.id, *wanted)
        entry = matches[0] if len(matches) == 1 else None
    paid = int_arg("paid", minimum=1)
    return render_template("rounds/counter.html", round=round_, form=form, entry=entry,
                           held=_held(entry),
                           current=payouts.effective_payout(entry.id) if entry else None,
                           not_found=bool(typed) and entry is None, problem=problem,
                           matches=matches,
                           paid=queries.paid_notice(round_.id, paid) if paid else None,
                           recent=queries.recent_payouts(round_.id, 5))


@bp.route("/<int:round_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def entry(round_id, entry_id):
    round_ = get_round(round_id)
    entry = visible_entry(round_id, entry_id)
    form = PayoutForm(outcome=request.args.get("outcome", entry.hold or "elder"))
    if round_.pays_goods:  # handed over at the counter: no bank transfer
        form.outcome.choices = [(k, GOODS_OUTCOME_LABELS.get(k, label))
                                for k, label in form.outcome.choices if k != "bank"]
    if entry.household_id:
        head = GOODS_HEAD_LABEL if round_.pays_goods else HEAD_LABEL
        form.outcome.choices = [(k, head if k == "elder" else label)
                                for k, label in form.outcome.choices]
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
                           held=_held(entry),
                           errors=errors, history=queries.payouts_of(entry.id),
                           current=payouts.effective_payout(entry.id),
                           reverse_form=ReverseForm(), lifted=lifts.lifts_of(entry.id),
                           added=supplements.of_entry(entry.id) if entry.batch else None)


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


@bp.route("/<int:round_id>/payouts/<int:payout_id>/reverse", methods=["GET", "POST"])
@roles_required(*CLERKS)
def reverse(round_id, payout_id):
    """GET: the check page (whose outcome, what it was, what reversing does); POST: reverse."""
    payout = scope.get_or_404(Payout, payout_id)
    entry = visible_entry(round_id, payout.entry_id)
    form = ReverseForm()
    target = url_for("rounds.entry", round_id=round_id, entry_id=entry.id)
    if payout.reversed_at is not None:
        return redirect(target)
    errors = []
    if request.method == "POST":
        if form.validate_on_submit():
            with unit_of_work(form) as work:
                payouts.reverse_payout(payout, form.reason.data, actor=current_user)
            if work.ok:
                flash(_("Reversed. Record the right outcome now."), "success")
                return redirect(target)
            errors = work.errors
        else:
            errors = list(form.errors.get("csrf_token", ()))
    return render_template("rounds/check_reverse.html", round=get_round(round_id),
                           entry=entry, payout=payout, form=form, errors=errors)
