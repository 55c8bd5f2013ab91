"""The programme's data: causes with their per-case limits, and the yearly limit per
household (supervisors and admins)."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.aid import bp, causes, queries
from welfare.aid.forms import CauseForm, LimitsForm
from welfare.aid.models import AidCause
from welfare.auth.permissions import ADMINS, SUPERVISORS, roles_required
from welfare.extensions import db
from welfare.uow import save_form

MANAGERS = (*ADMINS, *SUPERVISORS)


def _page(new=None, limits=None, errors=()):
    programme = queries.programme()
    limits = limits or LimitsForm(formdata=None, obj=programme)
    return render_template("aid/causes.html", causes=queries.causes(active_only=False),
                           new=new or CauseForm(formdata=None), limits=limits,
                           programme=programme, errors=list(errors))


@bp.route("/causes")
@roles_required(*MANAGERS)
def cause_list():
    return _page()


@bp.route("/causes", methods=["POST"])
@roles_required(*MANAGERS)
def add_cause():
    form = CauseForm()
    done, errors = save_form(form, lambda: causes.add_cause(form.as_data(), actor=current_user),
                             lambda c: (_("Cause %(name)s added.", name=c.name_zh),
                                        url_for("aid.cause_list")))
    return done or (_page(new=form, errors=errors), 400)


@bp.route("/limits", methods=["POST"])
@roles_required(*MANAGERS)
def set_limits():
    form = LimitsForm()
    done, errors = save_form(
        form, lambda: causes.set_limits(form.household_year_max.data, actor=current_user),
        lambda _p: (_("The yearly limit per household has been saved."),
                    url_for("aid.cause_list")))
    return done or (_page(limits=form, errors=errors), 400)


@bp.route("/causes/<int:cause_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_cause(cause_id):
    cause = db.get_or_404(AidCause, cause_id)
    form = CauseForm(obj=cause)
    done, errors = save_form(
        form, lambda: causes.update_cause(cause, form.as_data(), actor=current_user),
        lambda c: (_("Cause %(name)s saved.", name=c.name_zh), url_for("aid.cause_list")))
    return done or render_template("aid/cause.html", cause=cause, form=form, errors=errors)
