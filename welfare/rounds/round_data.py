"""What a round's data must satisfy before it is saved: names, dates, unit, cash or goods
(with the goods named and counted), and amounts or quantities that make sense."""

from flask_babel import gettext as _

from welfare.errors import ServiceError
from welfare.rounds.models import KINDS, UNITS
from welfare.rounds.rules import FESTIVALS, PROGRAMMES, RoundRules


def check_round_data(data):
    """Raise ServiceError with every problem of a round's data (goods fields are tidied)."""
    errors = []
    if not (data.get("name") or "").strip():
        errors.append(("name", _("Enter a name for the round.")))
    if data.get("festival") not in FESTIVALS:
        errors.append(("festival", _("Choose a festival.")))
    start, end, late = data.get("payout_start"), data.get("payout_end"), data.get("late_claim_end")
    if start and end and end < start:
        errors.append(("payout_end", _("The payout window must end on or after it starts.")))
    if late and end and late < end:
        errors.append(("late_claim_end",
                       _("Late claims must end on or after the payout window ends.")))
    if data.get("unit", "person") not in UNITS:
        errors.append(("unit", _("Choose whether the round pays people or households.")))
    errors += _goods_errors(data)
    rules = data.get("rules")
    goods = data.get("kind") == "goods"
    if isinstance(rules, RoundRules) and data.get("unit") == "household":
        errors += _household_errors(rules, goods)
    elif isinstance(rules, RoundRules):
        if not rules.tiers:
            errors.append(("tiers", _("Add at least one amount tier.")))
        if any(t.amount <= 0 for t in rules.tiers):
            errors.append(("tiers", _("Every tier needs a quantity above zero.") if goods
                           else _("Every tier needs an amount above zero.")))
        if set(rules.exclude_programmes) - set(PROGRAMMES):
            errors.append(("exclude_programmes", _("Unknown programme.")))
    if errors:
        raise ServiceError(*errors)


def _goods_errors(data):
    """A goods round names the goods and their unit; a cash round keeps both empty."""
    kind = data.get("kind", "cash")
    if kind not in KINDS:
        return [("kind", _("Choose whether the round pays cash or hands out goods."))]
    if kind == "cash":
        data["goods_name"] = data["goods_unit"] = ""
        return []
    errors = []
    for key in ("goods_name", "goods_unit"):
        data[key] = (data.get(key) or "").strip()
    if not data["goods_name"]:
        errors.append(("goods_name", _("Say what goods the round hands out, such as 米.")))
    if not data["goods_unit"]:
        errors.append(("goods_unit", _("Say the unit the goods are counted in, such as 包.")))
    return errors


def _household_errors(rules, goods=False):
    errors = []
    plan = rules.household_amount or {}
    if not rules.status_amounts and not (plan.get("base") or plan.get("per_member")):
        errors.append(("household_base", _(
            "Enter the quantity per household: a base quantity and a quantity per member, "
            "or a table by status.") if goods else _(
            "Enter the amount per household: a base amount and an amount per member, or a "
            "table by status.")))
    if any(int(v or 0) < 0 for v in plan.values()) or any(
            v <= 0 for v in rules.status_amounts.values()):
        errors.append(("household_base", _("Quantities must be whole numbers above zero.")
                       if goods else _("Amounts must be whole numbers above zero.")))
    known = set(PROGRAMMES)
    if {k.partition(":")[0] for k in (*rules.include_statuses, *rules.status_amounts)} - known:
        errors.append(("include_statuses", _("Unknown programme.")))
    return errors
