"""Case lists, a new application, one case with its assessment and decision, payment,
the decision letter, the bank file and the statistics."""

from datetime import date

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.aid import bp, labels, payments, queries, rules, services
from welfare.aid.forms import ApplicationForm, AssessmentForm, DecisionForm, PaymentForm
from welfare.aid.models import AidCase
from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, SUPERVISORS, roles_required
from welfare.core.money import capitals_dollars
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.params import int_arg, page_arg
from welfare.pdf import render_pdf
from welfare.rounds.view_helpers import download
from welfare.uow import form_page, save_form, unit_of_work
from welfare.web import village_name

PDF = "application/pdf"


def _limit():
    return current_app.config["AID_DECISION_DAYS"]


def _villages():
    return db.session.scalars(db.select(Village).where(scope.village_filter(Village.id))
                              .order_by(Village.code)).all()


@bp.route("")
@roles_required(*OFFICE)
def index():
    view = request.args.get("view", "open")
    view = view if view in queries.VIEWS else "open"
    village_id = int_arg("village", label=_("Village"))
    pagination = queries.case_list(view, village_id, date.today(), _limit(), page_arg(),
                                   current_app.config["PER_PAGE"])
    today, holidays = date.today(), queries.holidays()
    return render_template("aid/index.html", pagination=pagination, view=view,
                           village_id=village_id, villages=_villages(), today=today,
                           limit=_limit(), days=lambda c: rules.days_since(c.applied_on, today,
                                                                            holidays))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def new():
    form = ApplicationForm()
    form.cause_id.choices = [(c.id, f"{c}") for c in queries.causes()]
    form.village_id.choices = [(0, _("On the register: from the ID number"))] + [
        (v.id, village_name(v)) for v in _villages()]
    if request.method == "GET":
        form.applied_on.data = date.today()
    return form_page(
        form, lambda: services.create_case(form.as_data(), actor=current_user),
        lambda case: (_("Application %(n)s recorded.", n=case.id),
                      url_for("aid.show", case_id=case.id)),
        "aid/form.html")


def _case_page(case, assessment=None, decision=None, errors=()):
    assessment = assessment or AssessmentForm(formdata=None, obj=case)
    decision = decision or DecisionForm(formdata=None)
    if decision.decided_on.data is None:
        decision.decided_on.data = date.today()
    if decision.approved_amount.data is None:
        decision.approved_amount.data = case.proposed_amount
    today = date.today()
    return render_template(
        "aid/show.html", case=case, assessment=assessment, decision=decision,
        errors=list(errors), today=today, limit=_limit(), labels=labels,
        can_assess=current_user.has_role(*CLERKS) and case.status in ("applied", "assessed"),
        can_decide=(current_user.has_role(*SUPERVISORS) and case.status == "assessed"
                    and case.assessed_by_id != current_user.id),
        can_pay=(current_user.has_role(*CLERKS) and case.status == "approved"
                 and case.payment is None),
        can_reverse=current_user.has_role(*SUPERVISORS),
        can_record_recovery=current_user.has_role(*CLERKS),
        days=rules.days_since(case.applied_on, today, queries.holidays()))


@bp.route("/<int:case_id>")
@roles_required(*OFFICE)
def show(case_id):
    return _case_page(scope.get_or_404(AidCase, case_id))


@bp.route("/<int:case_id>/assess", methods=["POST"])
@roles_required(*CLERKS)
def assess(case_id):
    case = scope.get_or_404(AidCase, case_id)
    form = AssessmentForm()
    done, errors = save_form(form, lambda: services.assess_case(case, form.as_data(),
                                                                actor=current_user),
                             lambda _c: (_("The assessment has been recorded."),
                                         url_for("aid.show", case_id=case.id)))
    return done or _case_page(case, assessment=form, errors=errors)


@bp.route("/<int:case_id>/decide", methods=["POST"])
@roles_required(*OFFICE)
def decide(case_id):
    """Approve or refuse: a check page first, then the decision. A case outside the user's
    villages is not found, whatever their role."""
    case = scope.get_or_404(AidCase, case_id)
    if not current_user.has_role(*SUPERVISORS):
        abort(403)
    form = DecisionForm()
    approve = form.decision.data == "approve"
    if request.form.get("confirm") != "1":
        if not form.validate_on_submit():
            return _case_page(case, decision=form)
        try:
            services.check_decision(case, approve, form.approved_amount.data,
                                    form.refusal_reason.data, form.decided_on.data,
                                    actor=current_user)
        except ServiceError as exc:
            return _case_page(case, decision=form, errors=exc.apply_to(form))
        return render_template("aid/check_decision.html", case=case, form=form)
    done, errors = save_form(
        form, lambda: services.decide_case(case, approve, form.approved_amount.data,
                                           form.refusal_reason.data, form.decided_on.data,
                                           actor=current_user),
        lambda c: (_("Case %(n)s approved.", n=c.id) if approve
                   else _("Case %(n)s refused.", n=c.id), url_for("aid.show", case_id=c.id)))
    return done or _case_page(case, decision=form, errors=errors)


@bp.route("/<int:case_id>/pay", methods=["GET", "POST"])
@roles_required(*CLERKS)
def pay(case_id):
    """The payment form, its check page, then the one payment."""
    case = scope.get_or_404(AidCase, case_id)
    if case.status not in ("approved", "paid"):
        abort(404)
    form = PaymentForm()
    if request.method == "GET":
        form.paid_on.data = date.today()
        account = queries.account_on_file(case.person_id)
        if account is not None:  # the account the elder gifts are paid into
            form.bank.data = account.bank
            form.account_number.data = "-".join(filter(None, (account.branch_code,
                                                              account.account_number)))
    checking = request.method == "POST" and request.form.get("confirm") != "1"
    if checking and form.validate_on_submit():
        return render_template("aid/check_payment.html", case=case, form=form,
                               labels=labels)
    if checking:
        return render_template("aid/pay.html", case=case, form=form, errors=[])
    return form_page(
        form, lambda: payments.pay_case(case, form.method.data, form.paid_on.data,
                                        actor=current_user, proxy=form.proxy(),
                                        bank=form.bank_account()),
        lambda p: (_("Transfer of NT$%(amount)s put in the bank's file; the case is paid when "
                     "the bank confirms it.", amount=f"{p.amount:,}") if p.method == "bank"
                   else _("Payment of NT$%(amount)s recorded.", amount=f"{p.amount:,}"),
                   url_for("aid.show", case_id=case.id)),
        "aid/pay.html", case=case)


@bp.route("/<int:case_id>/letter.pdf")
@roles_required(*OFFICE)
def letter(case_id):
    case = scope.get_or_404(AidCase, case_id)
    if case.status not in ("approved", "refused", "paid"):
        abort(404)
    with unit_of_work():
        exports.log_export("aid_letter", 1, "pdf", current_user, filters={"case": case.id},
                           villages={case.village_id})
    pdf = render_pdf("print/aid_letter.html", case=case, dollars=capitals_dollars,
                     today=date.today())
    return download(pdf, PDF, f"aid-{case.id}-letter.pdf")


@bp.route("/statistics")
@roles_required(*OFFICE)
def statistics():
    return render_template("aid/statistics.html",
                           stats=queries.statistics(date.today(), _limit()))
