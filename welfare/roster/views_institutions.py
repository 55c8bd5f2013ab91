"""Institution stays (機構安置) on a person's page: record one, end one."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import CLERKS, roles_required
from welfare.auth.queries import history_for
from welfare.roster import bp, services
from welfare.roster.forms import EndStayForm, InstitutionStayForm
from welfare.roster.history import person_events
from welfare.roster.models import InstitutionStay
from welfare.roster.views import belonging_or_404, visible_person
from welfare.uow import save_form


def _person_page(person, errors, stay_form=None, end_form=None):
    return render_template("roster/person.html", person=person, full_id=None,
                           history=history_for("people", person.id),
                           events=person_events(person, current_user), stay_errors=errors,
                           stay_form=stay_form, end_form=end_form), 422


@bp.route("/people/<int:person_id>/institution", methods=["POST"])
@roles_required(*CLERKS)
def stay_add(person_id):
    person = visible_person(person_id)
    form = InstitutionStayForm()
    done, errors = save_form(
        form, lambda: services.add_stay(person, form.institution.data, form.started_on.data,
                                        actor=current_user),
        lambda _stay: (_("Institution stay recorded."),
                       url_for("roster.person", person_id=person.id, _anchor="stays")))
    return done or _person_page(person, errors, stay_form=form)


@bp.route("/people/<int:person_id>/institution/<int:stay_id>/end", methods=["POST"])
@roles_required(*CLERKS)
def stay_end(person_id, stay_id):
    person = visible_person(person_id)
    stay = belonging_or_404(InstitutionStay, stay_id, person_id=person.id)
    form = EndStayForm()
    done, errors = save_form(
        form, lambda: services.end_stay(stay, form.ended_on.data, actor=current_user),
        lambda _stay: (_("Institution stay ended."),
                       url_for("roster.person", person_id=person.id, _anchor="stays")))
    return done or _person_page(person, errors, end_form=form)
