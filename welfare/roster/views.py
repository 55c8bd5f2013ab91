"""People: search, detail, create, edit, reveal ID, duplicates."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.auth.queries import history_for
from welfare.params import int_arg, page_arg
from welfare.roster import bp, queries, services
from welfare.roster.forms import PersonForm
from welfare.roster.history import person_events
from welfare.roster.models import DuplicateFlag, Person
from welfare.uow import do_action, form_page, unit_of_work
from welfare.web import village_name

SEARCH_KEYS = ("q", "address", "village", "category", "status")
MAX_AGE = 130  # as the search form allows


def search_filters():
    filters = {k: request.args.get(k, "").strip() for k in SEARCH_KEYS}
    filters["age_min"] = int_arg("age_min", maximum=MAX_AGE, label=_("Age from"))
    filters["age_max"] = int_arg("age_max", maximum=MAX_AGE, label=_("Age to"))
    return filters


def visible_person(person_id):
    """The person, or 404 when outside the acting scope."""
    return scope.get_or_404(Person, person_id)


def belonging_or_404(model, row_id, **owner):
    """A row in scope that belongs to the record named in the address (owner column =
    id), else 404."""
    row = scope.get_or_404(model, row_id)
    if any(getattr(row, column) != value for column, value in owner.items()):
        abort(404)
    return row


def _person_url(person):
    return url_for("roster.person", person_id=person.id)


def _village_choices(form_field):
    form_field.choices = [(0, _("Choose a village"))] + [
        (v.id, village_name(v)) for v in queries.villages()
    ]


@bp.route("/people")
@roles_required(*OFFICE)
def people():
    filters = search_filters()
    page = page_arg()
    pagination = queries.search_people(filters, current_user, page, current_app.config["PER_PAGE"])
    return render_template("roster/people.html", pagination=pagination, filters=filters,
                           villages=queries.villages(), categories=queries.CATEGORIES,
                           full_id_error=_("Say what the whole ID numbers are needed for.")
                           if request.args.get("missing_purpose") else None)


@bp.route("/people/<int:person_id>")
@roles_required(*OFFICE)
def person(person_id):
    person = visible_person(person_id)
    return render_template("roster/person.html", person=person, full_id=None,
                           history=history_for("people", person.id),
                           events=person_events(person, current_user))


@bp.route("/people/<int:person_id>/story")
@roles_required(*OFFICE)
def person_story_print(person_id):
    """The person's history across programmes on a printable sheet."""
    person = visible_person(person_id)
    return render_template("print/person_history.html", person=person,
                           events=person_events(person, current_user))


@bp.route("/people/<int:person_id>/reveal", methods=["POST"])
@roles_required(*OFFICE)
def person_reveal(person_id):
    person = visible_person(person_id)
    with unit_of_work():
        full_id = services.reveal_id_number(person, actor=current_user)
    return render_template("roster/person.html", person=person, full_id=full_id,
                           history=history_for("people", person.id),
                           events=person_events(person, current_user))


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def person_new():
    form = PersonForm()
    _village_choices(form.village_id)
    return form_page(
        form, lambda: services.create_person(form.as_data(), actor=current_user),
        lambda person: (_("%(name)s has been added.", name=person.name), _person_url(person)),
        "roster/person_form.html", person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*CLERKS)
def person_edit(person_id):
    person = visible_person(person_id)
    form = PersonForm(obj=person)
    _village_choices(form.village_id)
    if request.method == "GET":
        form.id_number.data = person.id_number
    return form_page(
        form, lambda: services.update_person(person, form.as_data(), actor=current_user),
        lambda person: (_("Changes to %(name)s saved.", name=person.name), _person_url(person)),
        "roster/person_form.html", person=person)


@bp.route("/duplicates")
@roles_required(*OFFICE)
def duplicates():
    return render_template("roster/duplicates.html", flags=queries.open_duplicates(current_user))


@bp.route("/duplicates/<int:flag_id>", methods=["POST"])
@roles_required(*CLERKS)
def duplicate_resolve(flag_id):
    flag = scope.get_or_404(DuplicateFlag, flag_id)
    visible_person(flag.person_a_id)
    visible_person(flag.person_b_id)

    def resolve():
        services.dismiss_duplicate(flag, actor=current_user)
        return _("Marked as two different people.")

    if request.form.get("action") != "dismiss":
        keep = visible_person(int_arg("keep", 0, values=request.form))
        return redirect(url_for("roster.merge_check", flag_id=flag.id, keep=keep.id))
    return do_action(resolve, url_for("roster.duplicates"))


@bp.route("/low-income/expiring")
@roles_required(*OFFICE)
def expiring():
    village = request.args.get("village", "").strip()
    return render_template("roster/expiring.html",
                           statuses=queries.expiring_statuses(current_user, village=village))
