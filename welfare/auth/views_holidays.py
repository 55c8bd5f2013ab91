"""The office's holidays: the admin adds and removes the weekdays the office is closed."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import bp, holidays
from welfare.auth.forms import HolidayForm
from welfare.auth.models import OfficeHoliday
from welfare.auth.permissions import ADMINS, roles_required
from welfare.extensions import db
from welfare.forms import TextForm
from welfare.uow import unit_of_work


def _page(form, errors, status=200):
    rows = holidays.listed()
    by_year = {}
    for row in rows:
        by_year.setdefault(row.day.year, []).append(row)
    return render_template("auth/holidays.html", form=form, errors=errors, by_year=by_year,
                           remove_form=TextForm(), sourced=holidays.SOURCED_YEARS), status


@bp.route("/holidays", methods=["GET", "POST"])
@roles_required(*ADMINS)
def holiday_list():
    """The calendar by year; POST adds a date with its name."""
    form = HolidayForm()
    errors = []
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            added = holidays.add_holiday(form.day.data, form.name.data, actor=current_user)
        if work.ok:
            flash(_("%(name)s added to the office's holidays.", name=added.name), "success")
            return redirect(url_for("auth.holiday_list"))
        errors = work.errors
    elif request.method == "POST":
        errors = list(form.errors.get("csrf_token", ()))
    return _page(form, errors, 400 if request.method == "POST" else 200)


@bp.route("/holidays/remove", methods=["POST"])
@roles_required(*ADMINS)
def holiday_remove():
    """Take one date off the calendar (the office is open that day after all)."""
    form = TextForm()
    found = db.session.get(OfficeHoliday, request.form.get("holiday_id", type=int) or 0)
    if form.validate_on_submit() and found is not None:
        with unit_of_work() as work:
            holidays.remove_holiday(found, actor=current_user)
        if work.ok:
            flash(_("The date was taken off the office's holidays."), "success")
    else:
        flash(_("That date is not on the office's holidays."), "error")
    return redirect(url_for("auth.holiday_list"))
