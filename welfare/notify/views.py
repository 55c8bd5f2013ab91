"""The outbox: what was sent to whom, what failed, what has no channel; resend."""

import sqlalchemy as sa
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.extensions import db
from welfare.notify import bp, channels, services
from welfare.notify.models import OutboxMessage
from welfare.notify.rules import STATUSES
from welfare.params import page_arg
from welfare.uow import do_action


@bp.route("/outbox")
@roles_required(*OFFICE)
def outbox():
    status = request.args.get("status", "")
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    pagination = db.paginate(stmt, page=page_arg(), per_page=current_app.config["PER_PAGE"],
                             error_out=False)
    ready = {c: channels.configured(c, current_app.config) for c in ("email", "sms")}
    return render_template("notify/outbox.html", pagination=pagination, status=status,
                           statuses=STATUSES, ready=ready)


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@roles_required(*CLERKS)
def resend(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return do_action(lambda: services.resend(message, actor=current_user),
                     url_for("notify.outbox"), _("The message is being sent again."))
