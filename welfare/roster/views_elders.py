"""Isolated elders: register list, enrolment, care level, emergency contacts."""

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.auth.queries import history_for
from welfare.extensions import db
from welfare.params import page_arg
from welfare.roster import bp, queries, services
from welfare.roster.forms import ContactForm, ElderForm
from welfare.roster.models import EmergencyContact, IsolatedElder
from welfare.roster.views import belonging_or_404, visible_person
from welfare.uow import do_action, form_page, save_form, unit_of_work


def visible_elder(elder_id):
    return scope.get_or_404(IsolatedElder, elder_id)


def _elder_url(elder):
    return url_for("roster.elder", elder_id=elder.id)


@bp.route("/elders")
@roles_required(*OFFICE)
def elders():
    filters = {k: request.args.get(k, "").strip() for k in ("level", "village")}
    filters["active"] = request.args.get("active", "1")
    if filters["level"] not in ("", "1", "2", "3", "4"):
        filters["level"] = ""
    page = page_arg()
    pagination = db.paginate(queries.elders_stmt(filters, current_user), page=page,
                             per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("roster/elders.html", pagination=pagination, filters=filters,
                           villages=queries.villages())


@bp.route("/elders/new/<int:person_id>", methods=["GET", "POST"])
@roles_required(*CLERKS)
def elder_new(person_id):
    person = visible_person(person_id)
    if person.elder is not None:
        return redirect(_elder_url(person.elder))
    form = ElderForm()
    return form_page(
        form, lambda: services.create_elder(person, form.as_data(), actor=current_user),
        lambda elder: (_("%(name)s is now on the isolated-elder register.", name=person.name),
                       _elder_url(elder)),
        "roster/elder_form.html", person=person, elder=None)


@bp.route("/elders/<int:elder_id>")
@roles_required(*OFFICE)
def elder(elder_id):
    return _elder_page(visible_elder(elder_id), sensitive_shown=False)


@bp.route("/elders/<int:elder_id>/sensitive", methods=["POST"])
@roles_required(*OFFICE)
def elder_sensitive(elder_id):
    """Health notes are sensitive data (PDPA art. 6): shown on request, and every showing
    is kept in the audit log."""
    elder = visible_elder(elder_id)
    with unit_of_work():
        services.reveal_sensitive_notes(elder, actor=current_user)
    return _elder_page(elder, sensitive_shown=True)


def _elder_page(elder, sensitive_shown):
    return render_template("roster/elder.html", elder=elder, contact_form=ContactForm(),
                           show_sensitive=current_user.has_role(*OFFICE),
                           sensitive_shown=sensitive_shown,
                           history=history_for("isolated_elders", elder.id))


@bp.route("/elders/<int:elder_id>/edit", methods=["GET", "POST"])
@roles_required(*CLERKS)
def elder_edit(elder_id):
    elder = visible_elder(elder_id)
    form = ElderForm(obj=elder)
    if request.method == "GET" and (elder.health_notes or elder.sensitive_notes):
        with unit_of_work():
            services.reveal_sensitive_notes(elder, actor=current_user)  # the form shows them
    return form_page(
        form, lambda: services.update_elder(elder, form.as_data(), actor=current_user),
        lambda elder: (_("Changes saved."), _elder_url(elder)),
        "roster/elder_form.html", person=elder.person, elder=elder)


@bp.route("/elders/<int:elder_id>/contacts", methods=["POST"])
@roles_required(*CLERKS)
def elder_add_contact(elder_id):
    elder = visible_elder(elder_id)
    form = ContactForm()
    done, _errors = save_form(
        form, lambda: services.add_contact(elder, form.name.data, form.relation.data or "",
                                           form.phone.data, actor=current_user),
        lambda _contact: (_("Emergency contact added."), _elder_url(elder)))
    if done:
        return done
    return render_template("roster/elder.html", elder=elder, contact_form=form,
                           show_sensitive=True, history=history_for("isolated_elders",
                                                                    elder.id)), 422


@bp.route("/elders/<int:elder_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@roles_required(*CLERKS)
def elder_remove_contact(elder_id, contact_id):
    elder = visible_elder(elder_id)
    contact = belonging_or_404(EmergencyContact, contact_id, elder_id=elder.id)
    return do_action(lambda: services.remove_contact(contact, actor=current_user),
                     _elder_url(elder), _("Emergency contact removed."))
