"""Elder-gift rounds (敬老禮金): rules, frozen rosters, payouts, sheets, reconciliation."""

from flask import Blueprint, g
from flask_babel import gettext as _

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.app_template_global()
def units(round_=None):
    """The counting word of a round's roster: people, or households for household rounds."""
    return _("households") if getattr(round_, "by_household", False) else _("people")


@bp.app_template_global()
def household_tier(label):
    """A household round's amount row: "3p" (by size) or a status key such as low_income:1."""
    from welfare.rounds.forms import status_label
    from welfare.rounds.queries import low_income_categories

    if label.endswith("p") and label[:-1].isdigit():
        return _("%(n)s-person household", n=label[:-1])
    if "rounds_categories" not in g:
        g.rounds_categories = low_income_categories()
    return status_label(label, g.rounds_categories)

from welfare.rounds import (  # noqa: E402,F401
    feeds,
    history,
    merges,
    views,
    views_amend,
    views_counter,
    views_reconcile,
)
from welfare.rounds.cli import rounds_cli  # noqa: E402

cli_commands = [rounds_cli]
