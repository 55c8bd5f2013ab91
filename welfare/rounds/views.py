"""Rounds: list, prepare, preview, freeze, approve, change report, close."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.jobs import enqueue
from welfare.params import int_arg, page_arg
from welfare.rounds import bp, queries, services
from welfare.rounds.forms import CloseForm, CopyForm, RoundForm
from welfare.rounds.models import Round, RoundBatch

READERS = ("admin", "staff", "supervisor")
PREPARERS = services.PREPARERS
APPROVERS = services.APPROVERS
# Rounds bigger than this freeze in the background with a progress page.
BACKGROUND_FREEZE = 20000


def get_round(round_id):
    return db.get_or_404(Round, round_id)


def _round_form(formdata=None, obj_data=None):
    form = RoundForm(formdata=formdata) if formdata is not None else RoundForm()
    form.exclude_rounds.choices = [(r.id, f"{r.name} ({r.year})") for r in queries.rounds()
                                   if r.is_frozen]
    if obj_data is not None and request.method == "GET":
        form.load(obj_data)
    tiers = obj_data["rules"].tiers if obj_data else ()
    form.set_tiers(tiers, request.form if request.method == "POST" else None)
    return form


def _save_round(form, save):
    """Validate, call the service; returns (round or None, general errors)."""
    if not form.validate_on_submit():
        form.tiers()
        return None, []
    data = form.as_data()
    if form.tier_errors:
        return None, [_("Tier row %(n)s: enter whole numbers, a maximum age not below the "
                        "minimum, and an amount above zero.", n=form.tier_errors[0])]
    try:
        round_ = save(data)
    except ServiceError as exc:
        db.session.rollback()
        return None, exc.apply_to(form)
    db.session.commit()
    return round_, []


@bp.route("/")
@roles_required(*READERS)
def index():
    rounds = queries.rounds()
    totals = {r.id: queries.totals(r.id) for r in rounds if r.is_frozen}
    return render_template("rounds/index.html", rounds=rounds, totals=totals)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PREPARERS)
def new():
    festival = request.args.get("festival", "double_ninth")
    year = int_arg("year", date.today().year, minimum=2000, maximum=2100)
    form = _round_form(request.form if request.method == "POST" else None,
                       services.new_round_data(festival, year))
    round_, errors = _save_round(form, lambda d: services.create_round(d, actor=current_user))
    if round_:
        flash(_("Round %(name)s created as a draft.", name=round_.name), "success")
        return redirect(url_for("rounds.preview", round_id=round_.id))
    return render_template("rounds/form.html", form=form, errors=errors, round=None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(*PREPARERS)
def edit(round_id):
    round_ = get_round(round_id)
    data = {k: getattr(round_, k) for k in services.ROUND_FIELDS} | {"rules": round_.rules}
    form = _round_form(request.form if request.method == "POST" else None, data)
    saved, errors = _save_round(form, lambda d: services.update_round(round_, d,
                                                                      actor=current_user))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for("rounds.preview", round_id=round_.id))
    return render_template("rounds/form.html", form=form, errors=errors, round=round_)


@bp.route("/<int:round_id>/copy", methods=["GET", "POST"])
@roles_required(*PREPARERS)
def copy(round_id):
    source = get_round(round_id)
    form = CopyForm(data={"name": source.name, "year": source.year + 1})
    if form.validate_on_submit():
        round_ = services.copy_round(source, current_user, form.name.data, form.year.data)
        db.session.commit()
        flash(_("Copied. Check the dates and rules of the new round."), "success")
        return redirect(url_for("rounds.edit", round_id=round_.id))
    return render_template("rounds/copy.html", form=form, source=source)


@bp.route("/<int:round_id>")
@roles_required(*READERS)
def show(round_id):
    round_ = get_round(round_id)
    people, amount = queries.totals(round_.id)
    return render_template("rounds/show.html", round=round_, people=people, amount=amount,
                           villages=queries.by_village(round_.id),
                           tiers=queries.by_tier(round_.id),
                           batches=queries.batches(round_.id))


@bp.route("/<int:round_id>/preview")
@roles_required(*READERS)
def preview(round_id):
    round_ = get_round(round_id)
    page = page_arg()
    pagination, rows, tiers, near = queries.preview(round_, page, current_app.config["PER_PAGE"])
    return render_template("rounds/preview.html", round=round_, pagination=pagination,
                           rows=rows, tiers=tiers, near=near)


@bp.route("/<int:round_id>/freeze", methods=["POST"])
@roles_required(*PREPARERS)
def freeze(round_id):
    round_ = get_round(round_id)
    pagination, *_rest = queries.preview(round_, 1, 1)
    if pagination.total > BACKGROUND_FREEZE:
        job = enqueue("freeze_round", "welfare.rounds.services.freeze_job", round_.id,
                      current_user.id, actor=current_user,
                      return_url=url_for("rounds.show", round_id=round_.id))
        db.session.commit()
        return redirect(url_for("jobs.job", job_id=job.id))
    try:
        people, amount = services.freeze_round(round_, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Frozen: %(n)s people, NT$%(amount)s. A supervisor must now approve it.",
                n=format(people, ","), amount=format(amount, ",")), "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.route("/<int:round_id>/approve", methods=["POST"])
@roles_required(*APPROVERS)
def approve(round_id):
    round_ = get_round(round_id)
    try:
        services.approve_round(round_, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Approved. Payouts can now be recorded."), "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.route("/<int:round_id>/changes", methods=["GET", "POST"])
@roles_required(*READERS)
def changes(round_id):
    round_ = get_round(round_id)
    if not round_.is_frozen:
        abort(404)
    left, new = queries.change_report(round_)
    if request.method == "POST":
        if current_user.role not in PREPARERS:
            abort(403)
        try:
            if request.form.get("action") == "hold":
                held = services.hold_entries(round_, left, actor=current_user)
                message = _("%(n)s payouts held.", n=held)
            else:
                batch = services.add_supplementary(round_, [p.id for p in new],
                                                   actor=current_user)
                message = _("Supplementary list %(n)s drawn up; a supervisor must approve it.",
                            n=batch.number)
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("rounds.changes", round_id=round_.id))
    return render_template("rounds/changes.html", round=round_, left=left, new=new,
                           batches=queries.batches(round_.id))


@bp.route("/<int:round_id>/batches/<int:number>/approve", methods=["POST"])
@roles_required(*APPROVERS)
def approve_batch(round_id, number):
    batch = db.first_or_404(db.select(RoundBatch).filter_by(round_id=round_id, number=number))
    try:
        services.approve_batch(batch, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Supplementary list %(n)s approved.", n=number), "success")
    return redirect(url_for("rounds.changes", round_id=round_id))


@bp.route("/<int:round_id>/close", methods=["GET", "POST"])
@roles_required(*PREPARERS)
def close(round_id):
    round_ = get_round(round_id)
    form = CloseForm()
    errors = []
    if form.validate_on_submit():
        try:
            count = services.close_round(round_, actor=current_user, today=date.today(),
                                         early=form.early.data)
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.apply_to(form)
        else:
            db.session.commit()
            flash(_("Round closed; %(n)s unclaimed gifts marked as forfeited.", n=count),
                  "success")
            return redirect(url_for("rounds.progress", round_id=round_.id))
    return render_template("rounds/close.html", round=round_, form=form, errors=errors)
