from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from welfare.auth import audit_labels, bp, queries, services, worklist
from welfare.auth.forms import LoginForm, PasswordForm, UserForm
from welfare.auth.models import User
from welfare.auth.permissions import ADMINS, OFFICE, roles_required
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.params import int_arg, page_arg
from welfare.uow import form_page, unit_of_work
from welfare.web import village_name


def _safe_next(target):
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("auth.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    errors, user = [], None
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data, form.password.data,
                current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCK_MINUTES"],
            )
        except ServiceError as exc:
            errors = exc.apply_to(form)
        # Not the unit of work: a refused sign-in is kept too, for the throttle to count.
        db.session.commit()
    if user is not None:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        session.permanent = True
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, errors=errors)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        with unit_of_work():
            services.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def home():
    return render_template("auth/home.html", summary=queries.home_summary(current_user),
                           work=worklist.work_for(current_user))


# The day the accessibility statement was last reviewed (shown on the page).
ACCESSIBILITY_REVIEWED = date(2026, 11, 27)


@bp.route("/accessibility")
def accessibility():
    """Public: the accessibility statement government websites publish."""
    return render_template("auth/accessibility.html", reviewed=ACCESSIBILITY_REVIEWED)


@bp.route("/privacy")
def privacy():
    """Public: how the service handles personal data."""
    return render_template("auth/privacy.html")


@bp.route("/language/<code>")
def language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/audit")
@roles_required(*OFFICE)
def audit_log():
    page = page_arg()
    filters = {k: request.args.get(k, "") for k in ("user", "entity_type", "action")}
    entity_id = int_arg("entity_id", minimum=1)
    filters["entity_id"] = "" if entity_id is None else str(entity_id)
    pagination = queries.audit_page(filters, page, current_app.config["PER_PAGE"])
    users = db.session.scalars(sa.select(User).order_by(User.username)).all()
    return render_template("auth/audit.html", pagination=pagination, filters=filters, users=users,
                           actions=audit_labels.action_choices(),
                           entities=audit_labels.entity_choices())


@bp.route("/users")
@roles_required(*ADMINS)
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.role, User.username)).all()
    return render_template("auth/users.html", users=rows)


def _user_form(user=None):
    form = UserForm(obj=user)
    villages = db.session.scalars(sa.select(Village).order_by(Village.code)).all()
    form.villages.choices = [(v.id, village_name(v)) for v in villages]
    if user is not None and request.method == "GET":
        form.villages.data = [v.id for v in user.villages]
        form.active.data = user.is_active_account
    return form, {v.id: v for v in villages}


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*ADMINS)
def user_new():
    form, villages = _user_form()
    return form_page(form, lambda: services.create_user(
        form.username.data, form.password.data or "", form.role.data,
        form.display_name.data, form.phone.data,
        [villages[i] for i in form.villages.data or []], actor=current_user,
    ), lambda user: (_("Account %(name)s created.", name=user.username), url_for("auth.users")),
        "auth/user_form.html", user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def user_edit(user_id):
    user = db.get_or_404(User, user_id)
    form, villages = _user_form(user)

    def save():
        services.update_user(
            user, form.role.data, form.display_name.data, form.phone.data,
            [villages[i] for i in form.villages.data or []], form.active.data,
            actor=current_user,
        )
        if form.password.data:
            services.set_password(user, form.password.data, actor=current_user)

    def saved(_result):
        if user.id == current_user.id:
            login_user(user)  # keep this session; the account's others have ended
        return _("Account %(name)s saved.", name=user.username), url_for("auth.users")

    return form_page(form, save, saved, "auth/user_form.html", user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password():
    form = PasswordForm()

    def changed(_result):
        login_user(current_user._get_current_object())  # this session goes on; others end
        return _("Your password has been changed."), url_for("auth.home")

    return form_page(
        form, lambda: services.set_password(current_user, form.password.data, actor=current_user),
        changed, "auth/password.html")


@bp.app_errorhandler(429)
def too_many_requests(error):
    headers = [(k, v) for k, v in error.get_headers() if k == "Retry-After"]
    return render_template("errors/429.html"), 429, headers


@bp.app_errorhandler(403)
def forbidden(error):
    return render_template("errors/403.html"), 403


@bp.app_errorhandler(404)
def not_found(error):
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    return render_template("errors/500.html"), 500


