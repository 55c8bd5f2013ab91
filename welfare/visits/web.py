"""What the visits pages share: a form or a button runs one service in one unit of work,
then says so and moves on, or shows why not."""

from flask import flash, redirect

from welfare.auth.models import utcnow
from welfare.uow import unit_of_work
from welfare.visits import alerts


def submit(form, save, done, allowed=True):
    """When `form` is sent, valid and `allowed`, run save() in one unit of work; on success
    flash done(result)[0] and redirect to done(result)[1]. Returns (the redirect or None,
    the messages without a field for the page)."""
    if not (allowed and form.validate_on_submit()):
        return None, []
    with unit_of_work(form) as work:
        result = save()
    if work.failed:
        return None, work.errors
    message, target = done(result)
    flash(message, "success")
    return redirect(target), []


def act(action, message, target):
    """A button without a form: run action() in one unit of work, flash `message` or why
    not, and go back to `target`."""
    with unit_of_work() as work:
        action()
    if work.ok:
        flash(message, "success")
    work.flash_errors()
    return redirect(target)


def escalate():
    """Move every alert past its deadline up the chain before a page lists them (the pages
    read committed alerts; the scheduler does the same every few minutes)."""
    with unit_of_work():
        alerts.escalate_due(utcnow())
