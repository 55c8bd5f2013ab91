"""/lookup: open to anyone, no sign-in."""

from datetime import date

from flask import current_app, render_template, request
from werkzeug.exceptions import TooManyRequests

from welfare.auth.audit import request_ip
from welfare.extensions import db
from welfare.lookup import bp, services
from welfare.lookup.forms import LookupForm
from welfare.lookup.rules import masked_name


@bp.route("/lookup", methods=["GET", "POST"])
def lookup():
    form = LookupForm()
    answer, asked = None, False
    if request.method == "POST":
        config = current_app.config
        if services.is_throttled(request_ip(), config["LOOKUP_MAX_FAILURES"],
                                 config["LOOKUP_WINDOW_MINUTES"]):
            db.session.commit()  # the refusal is audited too
            raise TooManyRequests(retry_after=60 * config["LOOKUP_WINDOW_MINUTES"])
        if form.validate():
            answer = services.look_up(form.id_number.data, form.birth_date.data, date.today())
            db.session.commit()  # not a unit of work's rollback: a miss is kept, to count
            asked = True
            form = LookupForm(formdata=None)  # nothing typed stays on a shared screen
    return render_template("lookup/lookup.html", form=form, answer=answer, asked=asked,
                           masked_name=masked_name)
