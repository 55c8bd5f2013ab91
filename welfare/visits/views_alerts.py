"""Staff pages: alerts with their escalation chain, emergency sweeps and their live board."""

from flask import jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.uow import do_action, save_form
from welfare.visits import alerts, bp, labels, queries, rules
from welfare.visits.forms import CloseAlertForm, NoteForm, SweepForm
from welfare.visits.models import Alert, Sweep
from welfare.visits.web import escalate
from welfare.web import village_name


def visible_alert(alert_id):
    return scope.get_or_404(Alert, alert_id)


@bp.route("/alerts")
@roles_required(*OFFICE)
def alerts_page():
    escalate()
    return render_template("visits/alerts.html", alerts=queries.open_alerts(current_user),
                           closed=queries.recent_closed_alerts(), now=utcnow())


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def alert(alert_id):
    escalate()
    found = visible_alert(alert_id)
    form, note_form = CloseAlertForm(prefix="close"), NoteForm(prefix="note")
    response, errors = save_form(form, lambda: alerts.close_alert(
        found, form.outcome.data, form.notes.data or "", current_user,
        confirm_register=form.confirm_register.data, on=form.happened_on.data),
        lambda _closed: (_("Alert closed."), url_for("visits.alerts_page")),
        allowed=current_user.role in CLERKS)
    if response:
        return response
    if not form.outcome.data and found.reason in rules.REGISTER_OUTCOMES:
        form.outcome.data = found.reason
    steps = rules.ESCALATION[found.reason]
    return render_template("visits/alert.html", alert=found, form=form, note_form=note_form,
                           errors=errors, steps=steps, now=utcnow(),
                           register_reason=found.reason in rules.REGISTER_OUTCOMES)


@bp.route("/alerts/<int:alert_id>/note", methods=["POST"])
@roles_required(*CLERKS)
def alert_note(alert_id):
    found = visible_alert(alert_id)
    form = NoteForm(prefix="note")

    def note():
        if not form.validate_on_submit():
            raise ServiceError(_("Write what was done."))
        alerts.note_alert(found, form.notes.data, current_user)

    return do_action(note, url_for("visits.alert", alert_id=found.id), _("Note added."))


@bp.route("/alerts/<int:alert_id>/take", methods=["POST"])
@roles_required(*CLERKS)
def alert_take(alert_id):
    found = visible_alert(alert_id)
    return do_action(lambda: alerts.take_alert(found, current_user),
                     url_for("visits.alert", alert_id=found.id), _("You now own this alert."))


@bp.route("/sweeps", methods=["GET", "POST"])
@roles_required(*OFFICE)
def sweeps():
    form = SweepForm()
    villages = {v.id: v for v in queries.villages()}
    form.villages.choices = [(v.id, village_name(v)) for v in villages.values()]
    response, errors = save_form(form, lambda: alerts.start_sweep(
        form.reason.data, [villages[i] for i in form.villages.data], current_user,
        queries.local_today()),
        lambda sweep: (_("Safety check started: every elder there is due today."),
                       url_for("visits.sweep", sweep_id=sweep.id)),
        allowed=current_user.role in CLERKS)
    if response:
        return response
    return render_template("visits/sweeps.html", form=form, errors=errors,
                           sweeps=queries.sweeps(), can_edit=current_user.role in CLERKS)


@bp.route("/sweeps/<int:sweep_id>")
@roles_required(*OFFICE)
def sweep(sweep_id):
    found = db.get_or_404(Sweep, sweep_id)
    counts, rows = queries.sweep_checks(found)
    return render_template("visits/sweep.html", sweep=found, counts=counts, rows=rows,
                           villages={v.id: v for v in queries.villages()},
                           state_names=labels.as_strings(labels.SWEEP_LABELS))


@bp.route("/sweeps/<int:sweep_id>/status.json")
@roles_required(*OFFICE)
def sweep_status(sweep_id):
    found = db.get_or_404(Sweep, sweep_id)
    counts, rows = queries.sweep_checks(found)
    return jsonify({"counts": counts, "closed": found.closed_at is not None,
                    "checks": [{"elder_id": c.elder_id, "state": c.state} for c, *_ in rows]})


@bp.route("/sweeps/<int:sweep_id>/close", methods=["POST"])
@roles_required(*CLERKS)
def sweep_close(sweep_id):
    found = db.get_or_404(Sweep, sweep_id)
    return do_action(lambda: alerts.close_sweep(found, current_user),
                     url_for("visits.sweep", sweep_id=found.id), _("Safety check ended."))
