"""The volunteer's phone app: page shell, service worker, manifest, API token."""

from flask import current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import VOLUNTEERS, roles_required
from welfare.uow import unit_of_work
from welfare.visits import bp, labels, queries, tokens
from welfare.web import OFFICE


@bp.route("/app")
@roles_required(*VOLUNTEERS)
def app():
    volunteer = queries.volunteer_for(current_user)
    strings = {name: labels.as_strings(table) for name, table in labels.ALL.items()}
    strings["ui"] = ui_strings()
    today = queries.local_today()
    return render_template("visits/app.html", volunteer=volunteer, strings=strings,
                           today=today, sizes=queries.app_list_sizes(volunteer, today))


@bp.route("/app/token", methods=["POST"])
@roles_required(*VOLUNTEERS)
def app_token():
    """The signed-in page swaps its session for an API token the phone keeps offline."""
    with unit_of_work():
        raw = tokens.issue_token(current_user, current_app.config["VISITS_TOKEN_DAYS"])
    return jsonify({"token": raw, "user_id": current_user.id})


@bp.route("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "visits-sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/visits/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    data = {
        "name": _("%(place)s home visits", place=OFFICE.place), "short_name": _("Home visits"),
        "start_url": url_for("visits.app"), "scope": url_for("visits.board"),
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b4f6c",
        "lang": "zh-Hant-TW",
        "icons": [{"src": url_for("static", filename=f"icons/visits-{size}.png"),
                   "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
                  for size in (192, 512)],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


def ui_strings():
    """Sentences the app's script shows, translated on the server."""
    return {
        "online": _("Online"), "offline": _("Offline: visits are kept on this phone"),
        "waiting": _("%(n)s waiting to send"), "failed": _("%(n)s need attention"),
        "all_sent": _("Everything has been sent."), "saved_offline":
            _("Saved on this phone. It will be sent when there is signal."),
        "sent": _("Visit sent."), "overdue_days": _("%(n)s days overdue"),
        "due_on": _("Due %(date)s"), "last_contact": _("Last contact %(date)s"),
        "never": _("No contact yet"), "level": _("Level %(n)s"),
        "no_tasks": _("Nothing due today."), "no_elders": _("No elders are assigned to you yet."),
        "loading": _("Loading your elders…"), "updated": _("List updated %(time)s"),
        "stale": _("Could not refresh: showing the list saved on this phone."),
        "sign_in_again": _("Sign in again to send your visits. They stay on this phone."),
        "gps_wait": _("Looking for your position (optional)…"), "gps_ok": _("Position noted."),
        "gps_none": _("No position: that is fine."), "confirm_discard":
            _("Delete this visit from the phone? It has not reached the office."),
        "confirm_logout": _("%(n)s visits have not been sent yet. Signing out deletes them "
                            "from this phone. Sign out anyway?"),
        "choose_kind": _("Choose how you made contact."),
        "choose_outcome": _("Choose what happened."), "primary": _("Primary volunteer"),
        "backup": _("Backup volunteer"), "status_waiting": _("Waiting to send"),
        "status_failed": _("Not accepted"), "status_sending": _("Sending"),
        "photo_added": _("Photo added."), "photo_error": _("The photo could not be read."),
        "emergency": _("Emergency contacts"), "call": _("Call %(name)s"),
        "error_prefix": _("Error:"), "enter_date": _("Enter a date."),
        "date_format": _("Enter a date like 114/10/15 (ROC) or 2025-10-15."),
        "date_impossible": _("This date does not exist; check the month and day."),
        "enter_time": _("Enter the time like 14:30 (24-hour)."),
        "future": _("The visit time cannot be in the future."),
        "too_old": _("The visit time is more than a year ago."),
        "minutes": _("Enter minutes from 0 to 1440."),
        "neighbourhood": _("%(n)s Lin"),
    }
