"""Staff pages: volunteers, contact rules, coverage."""

from datetime import date

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.models import User
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import int_arg
from welfare.uow import save_form
from welfare.visits import bp, coverage, queries, services
from welfare.visits.forms import RuleForm, VolunteerForm
from welfare.visits.models import Assignment, ContactRule, Volunteer
from welfare.web import village_name


@bp.route("/volunteers")
@roles_required(*OFFICE)
def volunteers():
    counts = dict(db.session.execute(sa.select(Assignment.primary_id, sa.func.count())
                                     .group_by(Assignment.primary_id)).all())
    return render_template("visits/volunteers.html", volunteers=queries.volunteers(),
                           counts=counts)


def _volunteer_form(volunteer=None):
    form = VolunteerForm(obj=volunteer)
    taken = set(db.session.scalars(sa.select(Volunteer.user_id)))
    users = db.session.scalars(sa.select(User).where(User.role == "volunteer")
                               .order_by(User.username)).all()
    form.user_id.choices = [(0, _("Choose an account"))] + [
        (u.id, f"{u.username} ({u.display_name})") for u in users
        if u.id not in taken or (volunteer and u.id == volunteer.user_id)]
    villages = queries.villages()
    form.villages.choices = [(v.id, village_name(v)) for v in villages]
    if volunteer is not None and request.method == "GET":
        form.villages.data = [v.id for v in volunteer.villages]
    return form, {v.id: v for v in villages}


def _volunteer_data(form):
    return {"name": form.name.data.strip(), "phone": form.phone.data or "",
            "care_point": form.care_point.data or "", "active": form.active.data}


def _volunteer_page(form, villages, volunteer, save, message):
    """The volunteer form, sent: save(data, villages), say message(volunteer) and go to the
    volunteer's page."""

    def done(saved):
        return message(saved), url_for("visits.volunteer", volunteer_id=saved.id)

    response, errors = save_form(form, lambda: save(
        _volunteer_data(form), [villages[i] for i in form.villages.data or []]), done)
    return response or render_template("visits/volunteer_form.html", form=form,
                                       errors=errors, volunteer=volunteer)


@bp.route("/volunteers/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def volunteer_new():
    form, villages = _volunteer_form()

    def save(data, chosen):
        user = db.session.get(User, form.user_id.data or 0)
        if user is None:
            raise ServiceError(("user_id", _("Choose an account with the volunteer role.")))
        return services.create_volunteer(user, data, chosen, actor=current_user)

    return _volunteer_page(form, villages, None, save,
                           lambda saved: _("Volunteer %(name)s added.", name=saved.name))


@bp.route("/volunteers/<int:volunteer_id>/edit", methods=["GET", "POST"])
@roles_required(*CLERKS)
def volunteer_edit(volunteer_id):
    volunteer = db.get_or_404(Volunteer, volunteer_id)
    form, villages = _volunteer_form(volunteer)
    del form.user_id
    return _volunteer_page(
        form, villages, volunteer,
        lambda data, chosen: services.update_volunteer(volunteer, data, chosen,
                                                       actor=current_user),
        lambda saved: _("Volunteer %(name)s saved.", name=saved.name))


@bp.route("/volunteers/<int:volunteer_id>")
@roles_required(*OFFICE)
def volunteer(volunteer_id):
    found = db.get_or_404(Volunteer, volunteer_id)
    today = queries.local_today()
    ids = sorted(queries.volunteer_elder_ids(found))
    rows = queries.schedule_rows(today, elder_ids=ids)
    rows.sort(key=lambda r: (-r.care_level, -r.schedule.overdue_days, r.name))
    figures = coverage.coverage(date(today.year, today.month, 1), today)
    return render_template("visits/volunteer.html", volunteer=found, rows=rows,
                           tasks=queries.today_tasks(found, today), today=today,
                           figures=figures["volunteers"].get(found.id))


@bp.route("/rules", methods=["GET", "POST"])
@roles_required(*OFFICE)
def rules_page():
    current = queries.rules_by_level()
    forms = {}
    for level, rule in current.items():
        form = RuleForm(prefix=f"l{level}", obj=rule)
        if request.method == "GET":
            form.counted_kinds.data = list(rule.counted_kinds)
        forms[level] = form
    level = int_arg("level", values=request.form)
    form = forms.get(level)
    response, errors = save_form(form, lambda: services.update_rule(level, {
        "interval_days": form.interval_days.data,
        "contacts_per_month": form.contacts_per_month.data,
        "counted_kinds": form.counted_kinds.data,
        "in_person_every_days": form.in_person_every_days.data,
    }, actor=current_user), lambda _rule: (_("Contact rule for level %(n)s saved.", n=level),
                                           url_for("visits.rules_page")),
        allowed=request.method == "POST" and current_user.role in CLERKS and form is not None)
    if response:
        return response
    stored = {r.care_level for r in db.session.scalars(sa.select(ContactRule))}
    return render_template("visits/rules.html", forms=forms, errors=errors, stored=stored,
                           can_edit=current_user.role in CLERKS)


@bp.route("/coverage")
@roles_required(*OFFICE)
def coverage_page():
    today = queries.local_today()
    months = coverage.month_choices(today)
    chosen = request.args.get("month", "")
    month = next((m for m in months if m.isoformat()[:7] == chosen), months[0])
    figures = coverage.coverage(month, today, current_user)
    return render_template("visits/coverage.html", figures=figures, months=months, month=month,
                           villages={v.id: v for v in queries.villages()},
                           names=queries.volunteer_names())
