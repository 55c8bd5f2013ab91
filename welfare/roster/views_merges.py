"""Merging a suspected duplicate pair (a check page first) and an admin's undo of a merge."""

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import ADMINS, CLERKS, roles_required
from welfare.extensions import db
from welfare.params import int_arg
from welfare.roster import bp, services
from welfare.roster.forms import ConfirmForm
from welfare.roster.models import DuplicateFlag, Person, PersonMerge
from welfare.roster.services.merges import merge_preview_counts
from welfare.uow import form_page


def _pair(flag_id, keep_id):
    flag = scope.get_or_404(DuplicateFlag, flag_id)
    a = scope.get_or_404(Person, flag.person_a_id)
    b = scope.get_or_404(Person, flag.person_b_id)
    keep, other = (a, b) if keep_id == a.id else (b, a)
    return flag, keep, other


@bp.route("/duplicates/<int:flag_id>/merge", methods=["GET", "POST"])
@roles_required(*CLERKS)
def merge_check(flag_id):
    flag, keep, other = _pair(flag_id, int_arg("keep", 0))
    if flag.status != "open":
        return redirect(url_for("roster.duplicates"))
    return form_page(
        ConfirmForm(), lambda: services.merge_duplicate(flag, keep, actor=current_user),
        lambda _merge: (_("Records merged into %(name)s.", name=keep.name),
                        url_for("roster.person", person_id=keep.id)),
        "roster/merge_check.html", flag=flag, keep=keep, other=other,
        refusals=services.merge_refusals(keep, other), moving=merge_preview_counts(other))


@bp.route("/merges")
@roles_required(*ADMINS)
def merges():
    rows = db.session.scalars(sa.select(PersonMerge).order_by(PersonMerge.id.desc()).limit(200))
    return render_template("roster/merges.html", merges=rows.all())


@bp.route("/merges/<int:merge_id>/undo", methods=["GET", "POST"])
@roles_required(*ADMINS)
def merge_undo(merge_id):
    merge = scope.get_or_404(PersonMerge, merge_id)
    return form_page(
        ConfirmForm(), lambda: services.undo_merge(merge, actor=current_user),
        lambda _merge: (_("Merge undone: %(name)s is a record of its own again.",
                          name=merge.merged.name),
                        url_for("roster.person", person_id=merge.merged_id)),
        "roster/merge_undo.html", merge=merge)
