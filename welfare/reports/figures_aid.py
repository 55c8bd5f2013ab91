"""Emergency-aid figures: cases, approvals and amounts by cause and by village."""

from flask_babel import gettext as _

from welfare.aid import queries as aid
from welfare.aid.models import AidCase
from welfare.reports import charts
from welfare.reports.figures import Column, Figure, village_figure
from welfare.reports.rules import percent

EMPTY = {"cases": 0, "approved": 0, "refused": 0, "approved_amount": 0, "paid_amount": 0}


def _columns(first):
    return [first, Column("cases", _("Applications")), Column("approved", _("Approved")),
            Column("refused", _("Not approved")),
            Column("approved_share", _("Approved %"), percent=True),
            Column("approved_amount", _("Amount approved (NT$)")),
            Column("paid_amount", _("Amount paid (NT$)"))]


def _row(counts):
    return {**counts, "approved_share": percent(counts["approved"],
                                                counts["approved"] + counts["refused"])}


def _counts(scope, key, column):
    return scope.once(("aid", key), lambda: aid.grouped(
        column, scope.period.start, scope.period.end, scope.village_ids))


def aid_causes(scope):
    """Applications made in the period by cause: decided, approved, amounts."""
    counts = _counts(scope, "cause", AidCase.cause_id)
    rows = [_row(counts.get(c.id, EMPTY)) | {"cause": str(c)}
            for c in aid.causes(active_only=False)]
    columns = _columns(Column("cause", _("Cause"), numeric=False))
    total = _row({k: sum(r[k] for r in rows) for k in EMPTY}) | {"cause": _("Total")}
    chart = charts.bar_chart(
        _("Emergency aid by cause"),
        _("Two bars per cause: approved and not approved; the table gives the amounts."),
        [r["cause"] for r in rows],
        {_("Approved"): [r["approved"] for r in rows],
         _("Not approved"): [r["refused"] for r in rows]},
        meanings={_("Approved"): "done", _("Not approved"): "problem"},
    ) if any(r["cases"] for r in rows) else None
    return Figure("aid", _("Emergency aid"),
                  _("Applications made in the chosen months, by cause. Approved counts those "
                    "paid too."), columns, rows, total, chart,
                  note="" if chart else _("No emergency-aid application in these months."))


def aid_villages(scope):
    counts = _counts(scope, "village", AidCase.village_id)
    every = {k: sum(c[k] for c in counts.values()) for k in EMPTY}
    return village_figure(
        scope, "aid_villages", _("Emergency aid by village"), "",
        _columns(Column("village", _("Village"), numeric=False)),
        lambda v: _row(counts.get(v.id, EMPTY)), _row(every),
        (_("Emergency aid by village"),
         _("Percent of decided applications approved; the table gives the numbers."),
         "approved_share"),
        ("cases", "approved_amount"))
