"""Staff pages: the due board, an elder's visits, recording a visit, assignments."""

import uuid as uuidlib
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, VOLUNTEERS, roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import int_arg, page_arg
from welfare.roster.models import IsolatedElder
from welfare.uow import do_action, save_form
from welfare.visits import bp, labels, queries, rules, services
from welfare.visits.forms import AssignForm, VisitForm
from welfare.visits.models import Assignment, Visit, Volunteer
from welfare.visits.web import escalate


@bp.context_processor
def visit_labels():
    return {"labels": labels.ALL, "step_labels": labels.STEP_LABELS,
            "close_labels": labels.CLOSE_LABELS, "sweep_labels": labels.SWEEP_LABELS,
            "step_label": lambda a: labels.STEP_LABELS[rules.step_code(a.reason, a.step)]}


def visible_elder(elder_id):
    """The elder, or 404 outside the scope (a volunteer: not assigned to them)."""
    return scope.get_or_404(IsolatedElder, elder_id)


def _filters():
    level = request.args.get("level", "")
    village = int_arg("village", minimum=1)
    status = request.args.get("status", "due")
    return {"level": level if level in ("1", "2", "3", "4") else "", "village": village,
            "status": status if status in ("due", "late", "all") else "due"}


@bp.route("/")
@roles_required(*OFFICE)
def board():
    escalate()
    filters = _filters()
    today = queries.local_today()
    rows = queries.board(today, current_user,
                         village_ids=[filters["village"]] if filters["village"] else None,
                         levels=[int(filters["level"])] if filters["level"] else None,
                         status=filters["status"])
    page = page_arg()
    per_page = 50
    pages = max((len(rows) + per_page - 1) // per_page, 1)
    return render_template(
        "visits/board.html", rows=rows[(page - 1) * per_page:page * per_page], total=len(rows),
        page=page, pages=pages, filters=filters, today=today,
        villages={v.id: v for v in queries.villages()}, names=queries.volunteer_names(),
        open_alerts=queries.open_alerts(current_user), sweeps=queries.sweeps()[:3])


@bp.route("/elders/<int:elder_id>")
@roles_required(*OFFICE)
def elder(elder_id):
    found = visible_elder(elder_id)
    rows = queries.schedule_rows(queries.local_today(), elder_ids=[found.id])
    form = _assign_form(db.session.get(Assignment, found.id))
    return render_template("visits/elder.html", elder=found, row=rows[0] if rows else None,
                           visits=queries.elder_visits(found.id), form=form,
                           alerts=queries.elder_alerts(found.id),
                           assignment=db.session.get(Assignment, found.id))


def _assign_form(assignment):
    form = AssignForm(obj=assignment)
    people = [(v.id, v.name + ("" if v.active else " " + _("(inactive)")))
              for v in queries.volunteers()]
    form.primary_id.choices = [(0, _("Choose a volunteer"))] + people
    form.backup_id.choices = [(0, _("No backup"))] + people
    return form


@bp.route("/elders/<int:elder_id>/assign", methods=["POST"])
@roles_required(*CLERKS)
def assign(elder_id):
    found = visible_elder(elder_id)
    form = _assign_form(None)
    back = url_for("visits.elder", elder_id=found.id)
    if not form.validate_on_submit():
        flash(_("Choose the primary volunteer."), "error")
        return redirect(back)
    return do_action(lambda: services.assign(
        found, db.session.get(Volunteer, form.primary_id.data),
        db.session.get(Volunteer, form.backup_id.data or 0), actor=current_user),
        back, _("Volunteers assigned."))


def _visit_form(elder_found):
    form = VisitForm()
    volunteers = queries.volunteers(active_only=True)
    form.volunteer_id.choices = [(0, _("Nobody: staff contact"))] + [
        (v.id, v.name) for v in volunteers]
    if request.method == "GET":
        now = datetime.now(queries._zone())
        form.uuid.data = str(uuidlib.uuid4())
        form.visited_on.data = now.date()
        form.visited_time.data = now.strftime("%H:%M")
        assignment = db.session.get(Assignment, elder_found.id)
        if assignment and current_user.role in OFFICE:
            form.volunteer_id.data = assignment.primary_id
    return form


def _form_data(form):
    assessment = {code: getattr(form, f"a_{code}").data for code in labels.ASSESSMENT_LABELS
                  if getattr(form, f"a_{code}").data}
    return {
        "uuid": form.uuid.data or str(uuidlib.uuid4()), "kind": form.kind.data,
        "outcome": form.outcome.data,
        "visited_at": f"{form.visited_on.data.isoformat()}T{form.visited_time.data.strip()}",
        "duration_minutes": form.duration_minutes.data or 0, "needs": form.needs.data or [],
        "referral": form.referral.data, "notes": form.notes.data or "",
        "assessment": assessment,
    }


FORM_FIELDS = {"visited_at": "visited_on"}


@bp.route("/elders/<int:elder_id>/record", methods=["GET", "POST"])
@roles_required(*CLERKS, *VOLUNTEERS)
def record(elder_id):
    found = visible_elder(elder_id)
    form = _visit_form(found)

    def save():
        if current_user.role in VOLUNTEERS:
            volunteer = queries.volunteer_for(current_user)
        else:
            volunteer = db.session.get(Volunteer, form.volunteer_id.data or 0)
        try:
            return services.record_visit(found, _form_data(form), actor=current_user,
                                         volunteer=volunteer)
        except ServiceError as exc:
            # The API's field names, put beside this form's fields (not only in the summary).
            raise ServiceError(*[(FORM_FIELDS.get(f, f), m) for f, m in exc.errors]) from exc

    def done(_visit):
        back = (url_for("visits.app") if current_user.role in VOLUNTEERS
                else url_for("visits.elder", elder_id=found.id))
        return _("Visit to %(name)s saved.", name=found.person.name), back

    response, errors = save_form(form, save, done)
    return response or render_template("visits/record.html", form=form, errors=errors,
                                       elder=found, on_behalf=current_user.role in OFFICE,
                                       today=queries.local_today())


@bp.route("/photos/<int:visit_id>")
@roles_required(*OFFICE, *VOLUNTEERS)
def photo(visit_id):
    visit = scope.get_or_404(Visit, visit_id)
    if not visit.photo or not queries.can_see_elder(current_user, visit.elder):
        abort(404)
    path = services.photo_dir() / visit.photo
    if not path.exists():
        abort(404)
    return send_file(path, max_age=0)
