"""After the freeze: add a household to a supplementary list, lift a hold that was wrong."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, SUPERVISORS, roles_required
from welfare.roster.models import Household
from welfare.rounds import bp, lifts, supplements
from welfare.rounds.forms import LiftHoldForm, SupplementForm
from welfare.rounds.view_helpers import frozen_round, get_round, visible_entry
from welfare.uow import unit_of_work


@bp.route("/<int:round_id>/households/<int:household_id>/supplement", methods=["POST"])
@roles_required(*CLERKS)
def supplement_household(round_id, household_id):
    """Add one household, found on the change report, to the clerk's supplementary list."""
    round_ = frozen_round(round_id)
    household = scope.get_or_404(Household, household_id)
    form = SupplementForm()
    back = url_for("rounds.changes", round_id=round_id, q=request.form.get("q", ""))
    if not form.validate_on_submit():
        flash(_("Say why this household is added after the freeze."), "error")
        return redirect(back)
    with unit_of_work(form) as work:
        entry = supplements.add_household(round_, household, form.reason.data,
                                          actor=current_user)
    if work.ok:
        flash(_("%(name)s's household added to supplementary list %(n)s; a supervisor must "
                "approve the list.", name=entry.name, n=entry.batch), "success")
        return redirect(url_for("rounds.changes", round_id=round_id))
    for message in (m for _f, m in work.field_errors):
        flash(message, "error")
    return redirect(back)


@bp.route("/<int:round_id>/entries/<int:entry_id>/lift-hold", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def lift_hold(round_id, entry_id):
    """GET: the check page (the hold, what lifting does); POST: lift it with a reason."""
    entry = visible_entry(round_id, entry_id)
    target = url_for("rounds.entry", round_id=round_id, entry_id=entry.id)
    if entry.hold is None:
        return redirect(target)
    form = LiftHoldForm()
    errors = []
    if request.method == "POST":
        if form.validate_on_submit():
            with unit_of_work(form) as work:
                lifts.lift_hold(entry, form.reason.data, actor=current_user)
            if work.ok:
                flash(_("Hold lifted: %(name)s can be paid again.", name=entry.name), "success")
                return redirect(target)
            errors = work.errors
        else:
            errors = list(form.errors.get("csrf_token", ()))
    return render_template("rounds/check_lift.html", round=get_round(round_id), entry=entry,
                           form=form, errors=errors, problem=lifts.lift_problem(entry),
                           lifted=lifts.lifts_of(entry.id))


bp.add_app_template_global(supplements.not_paid_reason, "not_paid_reason")
