"""Inquiry lists, a new inquiry, one inquiry with its answer, and the statistics."""

from datetime import date

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.inquiries import bp, queries, services
from welfare.inquiries.forms import InquiryForm, ResponseForm
from welfare.inquiries.models import Inquiry
from welfare.params import int_arg, page_arg
from welfare.uow import form_page
from welfare.web import village_name


@bp.route("")
@roles_required(*OFFICE)
def index():
    view = request.args.get("view", "open")
    view = view if view in queries.VIEWS else "open"
    village_id = int_arg("village", label=_("Village"))
    pagination = queries.inquiry_list(view, current_user, village_id, date.today(),
                                      page_arg(), current_app.config["PER_PAGE"])
    return render_template("inquiries/index.html", pagination=pagination, view=view,
                           village_id=village_id, villages=queries.villages(),
                           today=date.today())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def new():
    form = InquiryForm()
    form.topic_id.choices = [(t.id, t) for t in queries.topics()]
    form.village_id.choices = [(0, _("Not known"))] + [
        (v.id, village_name(v)) for v in queries.villages()]
    form.owner_id.choices = [(u.id, u.display_name or u.username) for u in queries.owners()]
    if request.method == "GET":
        form.owner_id.data, form.received_on.data = current_user.id, date.today()
    return form_page(
        form, lambda: services.create_inquiry(form.as_data(), actor=current_user),
        lambda inquiry: (_("Inquiry %(n)s recorded; due %(day)s.", n=inquiry.id,
                           day=inquiry.due_on.isoformat()),
                         url_for("inquiries.show", inquiry_id=inquiry.id)),
        "inquiries/form.html")


@bp.route("/<int:inquiry_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def show(inquiry_id):
    inquiry = scope.get_or_404(Inquiry, inquiry_id)
    form = ResponseForm()
    if request.method == "GET":
        form.responded_on.data = date.today()
    allowed = current_user.has_role(*CLERKS) and inquiry.status == "open"
    if request.method == "POST" and not allowed:
        abort(403)
    return form_page(
        form, lambda: services.answer_inquiry(inquiry, form.response.data,
                                              form.responded_on.data, form.satisfaction.data,
                                              actor=current_user),
        lambda _i: (_("The answer has been recorded."),
                    url_for("inquiries.show", inquiry_id=inquiry.id)),
        "inquiries/show.html", inquiry=inquiry, can_answer=allowed, today=date.today())


@bp.route("/statistics")
@roles_required(*OFFICE)
def statistics():
    return render_template("inquiries/statistics.html",
                           stats=queries.statistics(date.today()))
