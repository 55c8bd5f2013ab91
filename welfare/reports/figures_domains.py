"""Figures over the other domains: elder-gift rounds, home visits, trends."""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from welfare.reports import charts
from welfare.reports import queries as roster_queries
from welfare.reports import queries_domains as q
from welfare.reports.figures import Column, Figure, total_row, village_figure
from welfare.reports.rules import percent
from welfare.roster.models import CARE_LEVELS
from welfare.rounds.rules import PAID_OUTCOMES as PAID

UNPAID_REASONS = {
    "not_found": _l("Not found (未遇)"), "deceased": _l("Died"), "moved_out": _l("Moved out"),
    "waived": _l("Waived"), "forfeited": _l("Not claimed in time"),
}


def rounds_in_period(scope):
    return scope.once("rounds", lambda: q.rounds_in_period(scope.period))


def _round_counts(scope):
    rounds = rounds_in_period(scope)
    return scope.counted("round_outcomes", lambda: q.round_outcomes(
        [r.id for r in rounds], scope.village_ids))


def _round_row(counts, match):
    row = {"eligible": 0, "paid": 0, "amount": 0, "pending": 0}
    row.update({reason: 0 for reason in UNPAID_REASONS})
    for (round_id, village_id, outcome), (n, amount) in counts.items():
        if not match(round_id, village_id):
            continue
        row["eligible"] += n
        if outcome in PAID:
            row["paid"] += n
            row["amount"] += amount
        elif outcome is None:
            row["pending"] += n
        else:
            row[outcome] = row.get(outcome, 0) + n
    row["paid_share"] = percent(row["paid"], row["eligible"])
    return row


def _round_columns(first):
    return ([first, Column("eligible", _("On the roster")), Column("paid", _("Paid")),
             Column("paid_share", _("Paid %"), percent=True),
             Column("amount", _("Amount paid (NT$)"))]
            + [Column(code, str(label)) for code, label in UNPAID_REASONS.items()]
            + [Column("pending", _("Not yet recorded"))])


def round_progress(scope):
    """Each round in the period: paid, unpaid by reason, not yet recorded."""
    counts = _round_counts(scope)
    rows = []
    for r in rounds_in_period(scope):
        row = _round_row(counts, lambda rid, vid, r=r: rid == r.id)
        row.update({"round": r.name, "round_id": r.id})
        rows.append(row)
    unpaid = [r["eligible"] - r["paid"] - r["pending"] for r in rows]
    chart = charts.bar_chart(
        _("Elder-gift rounds: paid, unpaid and not yet recorded"),
        _("Three bars per round; the table beside gives the numbers and the reasons."),
        [r["round"] for r in rows],
        {_("Paid"): [r["paid"] for r in rows], _("Unpaid"): unpaid,
         _("Not yet recorded"): [r["pending"] for r in rows]},
        meanings={_("Paid"): "done", _("Unpaid"): "problem", _("Not yet recorded"): "pending"},
    ) if rows else None
    return Figure("rounds", _("Elder-gift rounds"),
                  _("Rounds whose payout period overlaps the chosen months. Corrected "
                    "payouts count once, with their latest outcome."),
                  _round_columns(Column("round", _("Round"), numeric=False)), rows, None, chart,
                  note="" if rows else _("No elder-gift round in these months."))


def chosen_round(scope):
    rounds = rounds_in_period(scope)
    return next((r for r in rounds if r.id == scope.round_id), rounds[0] if rounds else None)


def round_villages(scope):
    """One round's progress in each village."""
    chosen = chosen_round(scope)
    if chosen is None:
        return None
    counts = _round_counts(scope)
    return village_figure(
        scope, "round_villages", _("%(round)s by village", round=chosen.name),
        _("Choose another round above to compare."),
        _round_columns(Column("village", _("Village"), numeric=False)),
        lambda v: _round_row(counts, lambda rid, vid: rid == chosen.id and vid == v.id),
        _round_row(counts, lambda rid, vid: rid == chosen.id),
        (_("%(round)s: paid share by village", round=chosen.name),
         _("One bar per village, percent of the roster paid; the table gives the numbers."),
         "paid_share"),
        ("paid_share", "paid", "pending", "eligible"))


def _coverage(scope):
    return scope.counted("coverage", lambda: q.visit_coverage(
        scope.period, scope.as_of, scope.village_ids, scope.roster().snapshot_id))


def _coverage_row(counts, match):
    elders = reached = visits = alerts = 0
    for key, (e, r, v, a) in counts.items():
        if match(key):
            elders, reached, visits, alerts = elders + e, reached + r, visits + v, alerts + a
    return {"elders": elders, "reached": reached, "coverage": percent(reached, elders),
            "visits": visits, "alerts": alerts}


def _coverage_columns(first):
    return [first, Column("elders", _("Isolated elders")),
            Column("reached", _("Reached at least once")),
            Column("coverage", _("Coverage %"), percent=True),
            Column("visits", _("Contacts recorded")), Column("alerts", _("Open alerts"))]


def visit_coverage(scope):
    """Isolated elders reached at least once in the period, by care level; open alerts."""
    counts = _coverage(scope)
    rows = []
    for level in CARE_LEVELS:
        row = _coverage_row(counts, lambda k, lv=level: k[1] == lv)
        row["level"] = _("Care level %(n)s", n=level)
        rows.append(row)
    total = _coverage_row(counts, lambda k: True)
    total["level"] = _("Total")
    chart = charts.bar_chart(
        _("Visit coverage by care level"),
        _("Percent of elders reached at least once; the table gives the numbers."),
        [r["level"] for r in rows], {_("Coverage %"): [r["coverage"] or 0 for r in rows]},
        percent=True,
    )
    return Figure("visits", _("Visit coverage"),
                  _("Elders on the register on %(day)s; a contact counts when the elder was "
                    "reached (visit, call, care point or message). Alerts: open now.",
                    day=_day(scope.as_of)),
                  _coverage_columns(Column("level", _("Care level"), numeric=False)),
                  rows, total, chart)


def visit_villages(scope):
    counts = _coverage(scope)
    return village_figure(
        scope, "visit_villages", _("Visit coverage by village"), "",
        _coverage_columns(Column("village", _("Village"), numeric=False)),
        lambda v: _coverage_row(counts, lambda k: k[0] == v.id),
        _coverage_row(counts, lambda k: True),
        (_("Visit coverage by village"),
         _("Percent of elders reached at least once; the table gives the numbers."),
         "coverage"),
        ("coverage", "alerts", "elders"))


def trends(scope):
    """Month by month: contacts, deliveries, gifts paid, low-income statuses begun and ended."""
    period, ids = scope.period, scope.village_ids
    status = roster_queries.LowIncomeStatus
    new = scope.counted("begun", lambda: roster_queries.statuses_by_month(
        status.certified_from, period.start, period.end, ids))
    # An ending counts once its last day has passed.
    ended = scope.counted("ended", lambda: roster_queries.statuses_by_month(
        status.certified_until, period.start, min(period.end, scope.today - timedelta(days=1)),
        ids))
    series = [("visits", _("Contacts recorded"),
               scope.counted("visits_month", lambda: q.visits_by_month(period, ids))),
              ("deliveries", _("Deliveries made"), scope.counted(
                  "deliveries_month", lambda: q.deliveries_by_month(period, ids))),
              ("payouts", _("Elder gifts paid"), scope.counted(
                  "payouts_month", lambda: q.payouts_by_month(period, ids))),
              ("new_status", _("Low-income statuses begun"), new),
               ("ended_status", _("Low-income statuses ended"), ended)]
    rows = []
    for year, month in period.months:
        row = {"month": f"{year}-{month:02d}"}
        row.update({key: counts.get((year, month), 0) for key, _label, counts in series})
        rows.append(row)
    columns = [Column("month", _("Month"), numeric=False)] + [
        Column(key, label) for key, label, _counts in series]
    total = total_row(rows, columns)
    chart = charts.line_chart(
        _("Month by month"), _("One line per measure; the table beside gives the numbers."),
        [show_month(r["month"]) for r in rows],
        {label: [r[key] for r in rows] for key, label, _c in series},
    )
    return Figure("trends", _("Trends by month"),
                  _("Statuses count in the month they begin and in the month they end (a "
                    "renewal counts as one of each); an ending counts once the day has passed."),
                  columns, rows, total, chart)


def _day(day):
    from welfare.web import show_date

    return show_date(day)


def show_month(text):
    from welfare.web import show_month as month

    return month(text)
