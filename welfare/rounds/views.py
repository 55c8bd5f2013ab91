"""Rounds: list, prepare, preview, freeze, approve, change report, close."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import CLERKS, OFFICE, SUPERVISORS, roles_required
from welfare.extensions import db
from welfare.jobs import enqueue
from welfare.params import int_arg, page_arg
from welfare.rounds import bp, checks, households, queries, services, supplements, units
from welfare.rounds.forms import CloseForm, CopyForm, RoundForm, status_choices
from welfare.rounds.models import RoundBatch
from welfare.rounds.view_helpers import act, get_round, require_role
from welfare.uow import unit_of_work

# Rounds bigger than this freeze in the background with a progress page.
BACKGROUND_FREEZE = 20000


def _round_form(obj_data):
    form = RoundForm()
    form.exclude_rounds.choices = [(r.id, f"{r.name} ({r.year})") for r in queries.rounds()
                                   if r.is_frozen]
    form.exclude_paid_rounds.choices = form.exclude_rounds.choices
    form.include_statuses.choices = status_choices(queries.low_income_categories())
    if request.method == "GET":
        form.load(obj_data)
    posted = request.form if request.method == "POST" else None
    form.set_tiers(obj_data["rules"].tiers, posted)
    form.set_status_amounts(obj_data["rules"].status_amounts, posted)
    if form.kind.data == "goods":
        form.household_base.label.text = _("Base quantity per household")
        form.household_per_member.label.text = _("Quantity per member")
    return form


def _round_page(form, round_, save, message):
    """The round form: validate, save as one unit of work, then to the preview."""
    errors = []
    if form.validate_on_submit():
        data = form.as_data()  # reads the tier rows, noting the ones that are not valid
        goods = form.kind.data == "goods"
        if form.tier_errors:
            errors = [_("Tier row %(n)s: enter whole numbers, a maximum age not below the "
                        "minimum, and a quantity above zero.", n=form.tier_errors[0]) if goods
                      else _("Tier row %(n)s: enter whole numbers, a maximum age not below the "
                             "minimum, and an amount above zero.", n=form.tier_errors[0])]
        elif form.status_errors:
            errors = [_("Quantity for %(status)s: enter a whole number above zero.",
                        status=form.status_errors[0]) if goods
                      else _("Amount for %(status)s: enter a whole number above zero.",
                             status=form.status_errors[0])]
        else:
            with unit_of_work(form) as work:
                saved = save(data)
            if work.ok:
                flash(message(saved), "success")
                return redirect(url_for("rounds.preview", round_id=saved.id))
            errors = work.errors
    else:
        form.tiers()
    return render_template("rounds/form.html", form=form, errors=errors, round=round_)


@bp.route("/")
@roles_required(*OFFICE)
def index():
    rounds = queries.rounds()
    totals = {r.id: queries.totals(r.id) for r in rounds if r.is_frozen}
    return render_template("rounds/index.html", rounds=rounds, totals=totals)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CLERKS)
def new():
    festival = request.args.get("festival", "double_ninth")
    year = int_arg("year", date.today().year, minimum=2000, maximum=2100)
    data = services.new_round_data(festival, year)
    data["unit"] = "household" if request.args.get("unit") == "household" else "person"
    if request.args.get("kind") == "goods":
        data |= {"kind": "goods", "goods_name": _("Rice"), "goods_unit": _("bag")}
    form = _round_form(data)
    return _round_page(form, None, lambda d: services.create_round(d, actor=current_user),
                       lambda r: _("Round %(name)s created as a draft.", name=r.name))


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(*CLERKS)
def edit(round_id):
    round_ = get_round(round_id)
    data = {k: getattr(round_, k) for k in services.ROUND_FIELDS} | {"rules": round_.rules}
    return _round_page(_round_form(data), round_,
                       lambda d: services.update_round(round_, d, actor=current_user),
                       lambda r: _("Changes saved."))


@bp.route("/<int:round_id>/copy", methods=["GET", "POST"])
@roles_required(*CLERKS)
def copy(round_id):
    source = get_round(round_id)
    form = CopyForm(data={"name": source.name, "year": source.year + 1})
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            round_ = services.copy_round(source, current_user, form.name.data, form.year.data)
        if work.ok:
            flash(_("Copied. Check the dates and rules of the new round."), "success")
            return redirect(url_for("rounds.edit", round_id=round_.id))
        work.flash_errors()
    return render_template("rounds/copy.html", form=form, source=source)


@bp.route("/<int:round_id>")
@roles_required(*OFFICE)
def show(round_id):
    round_ = get_round(round_id)
    people, amount = queries.totals(round_.id)
    return render_template("rounds/show.html", round=round_, people=people, amount=amount,
                           held=queries.held(round_.id) if round_.is_frozen else 0,
                           villages=queries.by_village(round_.id),
                           tiers=queries.by_tier(round_.id),
                           batches=queries.batches(round_.id))


@bp.route("/<int:round_id>/preview")
@roles_required(*OFFICE)
def preview(round_id):
    round_ = get_round(round_id)
    if round_.by_household:
        check = checks.household_freeze_check(round_)
        found = households.candidates(round_.rules)
        return render_template("rounds/preview_households.html", round=round_, check=check,
                               rows=found[:500])
    pagination, rows, tiers, near = queries.preview(round_, page_arg(),
                                                    current_app.config["PER_PAGE"])
    return render_template("rounds/preview.html", round=round_, pagination=pagination,
                           rows=rows, tiers=tiers, near=near,
                           away=checks.institution_excluded(round_))


@bp.route("/<int:round_id>/freeze", methods=["GET", "POST"])
@roles_required(*CLERKS)
def freeze(round_id):
    """GET: the check page (who will be frozen, by tier and village); POST: freeze."""
    round_ = get_round(round_id)
    target = url_for("rounds.show", round_id=round_.id)
    if request.method == "GET":
        if round_.status != "draft":
            return redirect(target)
        return render_template("rounds/check_freeze.html", round=round_,
                               check=checks.freeze_check(round_))
    pagination, *_rest = queries.preview(round_, 1, 1)
    if pagination.total > BACKGROUND_FREEZE and not round_.by_household:
        with unit_of_work():
            job = enqueue("freeze_round", "welfare.rounds.services.freeze_job", round_.id,
                          current_user.id, actor=current_user, return_url=target)
        return redirect(url_for("jobs.job", job_id=job.id))
    if round_.pays_goods:
        return act(target, lambda: services.freeze_round(round_, actor=current_user),
                   lambda frozen: _("Frozen: %(n)s %(units)s, %(goods)s. A supervisor must "
                                    "now approve it.", n=format(frozen[0], ","),
                                    units=units(round_), goods=round_.goods_text(frozen[1])))
    return act(target, lambda: services.freeze_round(round_, actor=current_user),
               lambda frozen: _("Frozen: %(n)s %(units)s, NT$%(amount)s. A supervisor must "
                                "now approve it.", n=format(frozen[0], ","),
                                units=units(round_), amount=format(frozen[1], ",")))


@bp.route("/<int:round_id>/approve", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def approve(round_id):
    """GET: the check page (the frozen roster and the changes since); POST: approve."""
    round_ = get_round(round_id)
    target = url_for("rounds.show", round_id=round_.id)
    if request.method == "GET":
        if round_.status != "frozen":
            return redirect(target)
        return render_template("rounds/check_approve.html", round=round_, batch=None,
                               check=checks.approve_check(round_),
                               own={round_.prepared_by_id, round_.frozen_by_id})
    return act(target, lambda: services.approve_round(round_, actor=current_user),
               lambda _r: _("Approved. Payouts can now be recorded."))


@bp.route("/<int:round_id>/changes", methods=["GET", "POST"])
@roles_required(*OFFICE)
def changes(round_id):
    round_ = get_round(round_id)
    if not round_.is_frozen:
        abort(404)
    left, new = queries.change_report(round_)
    if request.method == "POST":
        require_role(CLERKS)
        target = url_for("rounds.changes", round_id=round_.id)
        if request.form.get("action") == "hold":
            return act(target, lambda: services.hold_entries(round_, left, actor=current_user),
                       lambda held: _("%(n)s payouts held.", n=format(held, ",")))
        return act(target, lambda: services.add_supplementary(round_, [p.id for p in new],
                                                              actor=current_user),
                   lambda batch: _("Supplementary list %(n)s drawn up; a supervisor must "
                                   "approve it.", n=batch.number))
    typed = (request.args.get("q") or "").strip()
    found = supplements.search(round_, typed) if round_.by_household and typed else None
    return render_template("rounds/changes.html", round=round_, left=left, new=new,
                           batches=queries.batches(round_.id), typed=typed, found=found)


@bp.route("/<int:round_id>/batches/<int:number>/approve", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def approve_batch(round_id, number):
    """GET: the check page for one supplementary list; POST: approve it."""
    batch = db.first_or_404(db.select(RoundBatch).filter_by(round_id=round_id, number=number))
    target = url_for("rounds.changes", round_id=round_id)
    if request.method == "GET":
        if batch.approved_at or number == 0:
            return redirect(target)
        return render_template("rounds/check_approve.html", round=batch.round, batch=batch,
                               check=checks.approve_check(batch.round, number),
                               own={batch.created_by_id},
                               additions=supplements.of_batch(round_id, number))
    # What the check page showed: approving a list that grew since would approve unseen rows.
    shown = (int_arg("people", values=request.form), int_arg("amount", values=request.form))
    expected = None if None in shown else shown
    return act(target, lambda: services.approve_batch(batch, actor=current_user,
                                                      expected=expected),
               lambda _r: _("Supplementary list %(n)s approved.", n=number))


@bp.route("/<int:round_id>/close", methods=["GET", "POST"])
@roles_required(*CLERKS)
def close(round_id):
    round_ = get_round(round_id)
    form = CloseForm()
    errors = []
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            count = services.close_round(round_, actor=current_user, today=date.today(),
                                         early=form.early.data)
        if work.ok:
            flash(_("Round closed; %(n)s unclaimed gifts marked as forfeited.",
                    n=format(count, ",")), "success")
            return redirect(url_for("rounds.progress", round_id=round_.id))
        errors = work.errors
    check = checks.close_check(round_) if round_.status == "approved" else None
    return render_template("rounds/close.html", round=round_, form=form, errors=errors,
                           check=check)
