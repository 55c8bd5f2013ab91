"""Figures: one table of numbers each, drawn as a chart beside it, exported as XLSX.

A builder takes the request's Scope and returns a Figure (or None when it has nothing to
show). Results are cached on the Scope for the request."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _

from welfare.reports import cache as report_cache
from welfare.reports import charts, queries, snapshots
from welfare.reports.rules import band_labels, senior_bands
from welfare.roster.models import CARE_LEVELS


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = True
    percent: bool = False


@dataclass
class Figure:
    key: str
    title: str
    description: str
    columns: list
    rows: list
    total: dict | None = None
    chart: object = None
    # Per-village values this figure can put on the map: {column key: {village_id: value}}.
    by_village: dict = field(default_factory=dict)
    note: str = ""

    def values(self, column):
        return [row.get(column) for row in self.rows]


@dataclass
class Scope:
    """What one dashboard request looks at: villages (None is all), period, as-of day."""

    period: object
    today: date
    village_ids: set | None = None
    round_id: int | None = None
    cache: dict = field(default_factory=dict)
    computed_at: object = None

    @property
    def as_of(self):
        return self.period.as_of(self.today)

    def once(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def counted(self, name, compute):
        """A grouped count (plain data only), shared between requests for a few minutes."""
        def shared():
            villages = tuple(sorted(self.village_ids or ()))
            key = (name, str(current_app.config["SQLALCHEMY_DATABASE_URI"]),
                   self.period.start, self.period.end, self.as_of, villages, self.round_id)
            value, at = report_cache.get(key, compute)
            self.computed_at = at if self.computed_at is None else min(self.computed_at, at)
            return value

        return self.once(name, shared)

    def villages(self):
        return self.once("villages", lambda: queries.villages(self.village_ids))

    def districts(self):
        """The deployment's districts with villages in this scope, in the settings' order."""
        codes = {v.code[:8] for v in self.villages()}
        return [d for d in current_app.config["DISTRICTS"] if d.code in codes]

    def village_label(self, village):
        """The village's name, after its district's when the scope spans several."""
        return village_label(village, qualified=len(self.districts()) > 1)

    def roster(self):
        """The roster counts on the as-of day that the roster figures share: the stored
        snapshot of the one grouped scan of the people table (see `snapshots`)."""
        keep = snapshots.keep_seconds_for(self.as_of, self.today, report_cache.seconds())
        return self.once("roster", lambda: snapshots.current(self.as_of, keep,
                                                             self.village_ids))

    def roster_recount_after(self):
        """When a changed roster's snapshot stops being used, or None if unchanged."""
        counted = self.roster()
        if not counted.changed_since:
            return None
        keep = snapshots.keep_seconds_for(self.as_of, self.today, report_cache.seconds())
        return counted.counted_at + timedelta(seconds=keep)

    def counts(self):
        return self.roster().people

    def people(self):
        return self.once("people", lambda: queries.people_by_village_band_sex(
            self.as_of, counts=self.counts()))

    def low_people(self):
        return self.once("low_people", lambda: queries.low_income_people(self.counts()))

    def elders(self):
        return self.once("elders", lambda: queries.elders_by_village_level(self.counts()))


def village_label(village, qualified=False):
    from welfare.web import is_chinese, village_name

    if not qualified:
        return village_name(village)
    town = district_of(village)
    if town is None:
        return village_name(village)
    if is_chinese():
        return f"{town.name}{village.name_zh}"
    return f"{village.name_en}, {town.name_en}"


def district_of(village):
    return next((d for d in current_app.config["DISTRICTS"] if village.code.startswith(d.code)),
                None)


def district_label(district):
    from welfare.web import is_chinese

    return district.name if is_chinese() else district.name_en


def total_row(rows, columns):
    """Each numeric column added up, the first column reading "Total"."""
    total = {c.key: sum(r[c.key] for r in rows) for c in columns[1:]}
    total[columns[0].key] = _("Total")
    return total


def village_figure(scope, key, title, description, columns, row_of, total, chart, mapped):
    """A figure with one row per village (`row_of(village)` gives its numbers) and the
    `total` row; `chart` is (title, description, percent column key) of a bar per village,
    `mapped` the column keys the map can show."""
    rows = [{**row_of(v), "village": scope.village_label(v), "village_id": v.id}
            for v in scope.villages()]
    chart_title, chart_description, share = chart
    label = next(c.label for c in columns if c.key == share)
    drawn = charts.bar_chart(chart_title, chart_description, [r["village"] for r in rows],
                             {label: [r[share] or 0 for r in rows]}, percent=True)
    return Figure(key, title, description, columns, rows, {**total, "village": _("Total")},
                  drawn, {k: {r["village_id"]: r[k] for r in rows} for k in mapped})


def _sum(counts, match):
    return sum(n for key, n in counts.items() if match(key))


def by_village(scope):
    """People, seniors, (mid-)low-income people and isolated elders in each village."""
    people = scope.people()
    seniors = set(senior_bands())
    low = scope.low_people()
    elders = scope.elders()
    rows = []
    for v in scope.villages():
        rows.append({
            "village": scope.village_label(v), "village_id": v.id, "code": v.code,
            "people": _sum(people, lambda k, v=v: k[0] == v.id),
            "seniors": _sum(people, lambda k, v=v: k[0] == v.id and k[1] in seniors),
            "low": low.get((v.id, "low"), 0),
            "mid_low": low.get((v.id, "mid_low"), 0),
            "elders": _sum(elders, lambda k, v=v: k[0] == v.id),
        })
    columns = [Column("village", _("Village"), numeric=False),
               Column("people", _("People")), Column("seniors", _("Aged 65+")),
               Column("low", _("In low-income households")),
               Column("mid_low", _("In mid-low-income households")),
               Column("elders", _("Isolated elders"))]
    total = total_row(rows, columns)
    chart = charts.bar_chart(
        _("People and people aged 65+ by village"),
        _("Horizontal bars per village; the table beside gives the same numbers."),
        [r["village"] for r in rows],
        {_("People"): [r["people"] for r in rows], _("Aged 65+"): [r["seniors"] for r in rows]},
    )
    mapped = {c.key: {r["village_id"]: r[c.key] for r in rows} for c in columns[1:]}
    return Figure("villages", _("People by village"),
                  _("People on the roster on %(day)s, by village of registration.",
                    day=_day(scope.as_of)),
                  columns, rows, total, chart, mapped)


def by_district(scope):
    """The village figure's numbers added up per district, and over all of them: for a city
    bureau's deployment, when the scope spans several districts."""
    districts = scope.districts()
    if len(districts) < 2:
        return None
    villages = scope.once(("figure", "villages"), lambda: by_village(scope))
    keys = [c.key for c in villages.columns[1:]]
    rows = []
    for town in districts:
        inside = [r for r in villages.rows if r["code"].startswith(town.code)]
        rows.append({"district": district_label(town), "code": town.code,
                     "villages": len(inside), **{k: sum(r[k] for r in inside) for k in keys}})
    columns = [Column("district", _("District"), numeric=False),
               Column("villages", _("Number of villages")), *villages.columns[1:]]
    total = total_row(rows, columns)
    every = {d.code for d in current_app.config["DISTRICTS"]} == {d.code for d in districts}
    one_city = len({d.county for d in districts}) == 1
    total["district"] = (_("City-wide") if every and one_city and scope.village_ids is None
                         else _("All these districts"))
    chart = charts.bar_chart(
        _("People and people aged 65+ by district"),
        _("Horizontal bars per district; the table beside gives the same numbers."),
        [r["district"] for r in rows],
        {_("People"): [r["people"] for r in rows], _("Aged 65+"): [r["seniors"] for r in rows]},
    )
    return Figure("districts", _("People by district"),
                  _("People on the roster on %(day)s, by district of registration.",
                    day=_day(scope.as_of)),
                  columns, rows, total, chart)


def age_sex(scope):
    """People by age band and sex."""
    people = scope.people()
    rows = []
    for band in band_labels():
        male = _sum(people, lambda k, b=band: k[1] == b and k[2] == "M")
        female = _sum(people, lambda k, b=band: k[1] == b and k[2] == "F")
        rows.append({"band": band, "M": male, "F": female, "total": male + female})
    columns = [Column("band", _("Age band"), numeric=False), Column("M", _("Men")),
               Column("F", _("Women")), Column("total", _("Total"))]
    total = total_row(rows, columns)
    chart = charts.bar_chart(
        _("People by age band and sex"),
        _("Bars for men and women in each age band; the table beside gives the numbers."),
        [r["band"] for r in rows],
        {_("Men"): [r["M"] for r in rows], _("Women"): [r["F"] for r in rows]},
    )
    return Figure("age_sex", _("People by age band and sex"),
                  _("Ages in completed years on %(day)s.", day=_day(scope.as_of)),
                  columns, rows, total, chart)


def categories(scope):
    """Seniors, low-income and mid-low-income households and people, isolated elders."""
    people = scope.people()
    seniors = set(senior_bands())
    households = scope.roster().households
    low = scope.low_people()
    elders = scope.elders()
    rows = [
        ("seniors", _("People aged 65+"), _sum(people, lambda k: k[1] in seniors)),
        ("low_households", _("Low-income households"), _sum(households, lambda k: k[1] == "low")),
        ("low_people", _("People in low-income households"), _sum(low, lambda k: k[1] == "low")),
        ("mid_low_households", _("Mid-low-income households"),
         _sum(households, lambda k: k[1] == "mid_low")),
        ("mid_low_people", _("People in mid-low-income households"),
         _sum(low, lambda k: k[1] == "mid_low")),
    ]
    for level in CARE_LEVELS:
        rows.append((f"elders_{level}", _("Isolated elders, care level %(n)s", n=level),
                     _sum(elders, lambda k, lv=level: k[1] == lv)))
    rows.append(("elders", _("Isolated elders, all levels"), _sum(elders, lambda k: True)))
    rows = [{"key": key, "category": label, "count": n} for key, label, n in rows]
    columns = [Column("category", _("Category"), numeric=False), Column("count", _("Count"))]
    chart = charts.bar_chart(
        _("People and households by category"),
        _("One bar per category; the table beside gives the numbers."),
        [r["category"] for r in rows], {_("Count"): [r["count"] for r in rows]},
    )
    return Figure("categories", _("Categories"),
                  _("Statuses current on %(day)s; isolated elders on the register now.",
                    day=_day(scope.as_of)),
                  columns, rows, None, chart)


def _day(day):
    from welfare.web import show_date

    return show_date(day)
