"""Households: list, create, members, head, low-income statuses."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.auth.queries import history_for
from welfare.core import idno
from welfare.extensions import db
from welfare.params import page_arg
from welfare.roster import bp, queries, services
from welfare.roster.forms import HouseholdForm, MemberForm, StatusForm
from welfare.roster.models import Household, HouseholdMember, LowIncomeCategory, Person
from welfare.roster.views import _village_choices, belonging_or_404
from welfare.uow import do_action, form_page, save_form, unit_of_work


def visible_household(household_id):
    return scope.get_or_404(Household, household_id)


def _household_url(household):
    return url_for("roster.household", household_id=household.id)


def _status_form():
    form = StatusForm(prefix="status")
    categories = db.session.scalars(
        sa.select(LowIncomeCategory).where(LowIncomeCategory.active).order_by(LowIncomeCategory.code)
    ).all()
    form.category_id.choices = [(0, _("None"))] + [(c.id, c.name_zh) for c in categories]
    return form


def _render(household, member_form=None, status_form=None, errors=()):
    return render_template(
        "roster/household.html", household=household,
        member_form=member_form or MemberForm(prefix="member"),
        status_form=status_form or _status_form(), errors=list(errors),
        history=history_for("households", household.id),
    )


@bp.route("/households")
@roles_required(*OFFICE)
def households():
    filters = {k: request.args.get(k, "").strip() for k in ("village", "address", "category")}
    page = page_arg()
    pagination = db.paginate(queries.households_stmt(filters, current_user), page=page,
                             per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("roster/households.html", pagination=pagination, filters=filters,
                           villages=queries.villages(),
                           full_id_error=_("Say what the whole ID numbers are needed for.")
                           if request.args.get("missing_purpose") else None)


@bp.route("/households/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def household_new():
    form = HouseholdForm()
    _village_choices(form.village_id)
    return form_page(
        form, lambda: services.create_household(form.as_data(), actor=current_user),
        lambda household: (_("Household created. Now add its members."),
                           _household_url(household)),
        "roster/household_form.html")


@bp.route("/households/<int:household_id>")
@roles_required(*OFFICE)
def household(household_id):
    return _render(visible_household(household_id))


@bp.route("/households/<int:household_id>/members", methods=["POST"])
@roles_required(*CLERKS)
def household_add_member(household_id):
    household = visible_household(household_id)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        number = idno.normalise(form.id_number.data)
        person = db.session.scalar(sa.select(Person).where(Person.id_number == number))
        if person is None:
            form.id_number.errors = [_("No one with this ID number is on the roster.")]
        else:
            with unit_of_work() as work:
                services.add_member(household, person, form.relationship_to_head.data,
                                    actor=current_user, head=form.head.data)
            if work.ok:
                flash(_("%(name)s added to the household.", name=person.name), "success")
                return redirect(_household_url(household))
            form.id_number.errors = list(work.errors)
    return _render(household, member_form=form), 422


@bp.route("/households/<int:household_id>/members/<int:member_id>", methods=["POST"])
@roles_required(*CLERKS)
def household_member_action(household_id, member_id):
    household = visible_household(household_id)
    member = belonging_or_404(HouseholdMember, member_id, household_id=household.id)

    def act():
        if request.form.get("action") == "head":
            services.set_head(household, member.person, actor=current_user)
            return _("%(name)s is now the head of the household.", name=member.person.name)
        services.remove_member(member, actor=current_user)
        return _("Member removed from the household.")

    return do_action(act, _household_url(household))


@bp.route("/households/<int:household_id>/statuses", methods=["POST"])
@roles_required(*CLERKS)
def household_add_status(household_id):
    household = visible_household(household_id)
    form = _status_form()

    def add():
        category = db.session.get(LowIncomeCategory, form.category_id.data or 0)
        return services.add_low_income_status(
            household, form.kind.data, category, form.certified_from.data,
            form.certified_until.data, actor=current_user, notes=form.notes.data or "",
        )

    done, errors = save_form(form, add, lambda _status: (_("Status recorded."),
                                                         _household_url(household)))
    if done:
        return done
    return _render(household, status_form=form, errors=errors), 422
