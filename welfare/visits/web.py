"""What the visits pages share besides welfare.uow's form and button helpers."""

from welfare.auth.models import utcnow
from welfare.uow import unit_of_work
from welfare.visits import alerts


def escalate():
    """Move every alert past its deadline up the chain before a page lists them (the pages
    read committed alerts; the scheduler does the same every few minutes)."""
    with unit_of_work():
        alerts.escalate_due(utcnow())
