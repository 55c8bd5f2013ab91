"""Server-drawn SVG charts: described for screen readers, one mark per number."""

import re

import pytest

from welfare.reports import charts


def test_bar_chart_has_a_name_and_one_bar_per_value():
    svg = str(charts.bar_chart("People <by> village", "The table gives the numbers.",
                               ["東林里", "林園里"], {"Men": [3, 12], "Women": [0, 7]}))
    assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert "<title" in svg and "People &lt;by&gt; village" in svg
    assert "<desc" in svg
    bars = re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)" height="18"', svg)
    assert len(bars) == 4
    # Grouped per village: men then women.
    assert float(bars[2]) > float(bars[0]) > 0 and float(bars[1]) == 0


@pytest.mark.parametrize(("value", "fixed", "expected"), [
    (0, None, (1, 1)), (7, None, (8, 2)), (12, None, (15, 5)), (613, None, (800, 200)),
    (1000, None, (1000, 200)), (37.5, 100, (100, 25)),
])
def test_axis_is_round(value, fixed, expected):
    assert charts._axis(value, fixed) == expected


@pytest.mark.parametrize("months", [1, 2, 6, 12, 13, 60])
def test_line_chart_month_labels_never_collide(months):
    labels = [f"m{i:02d}" for i in range(months)]
    svg = str(charts.line_chart("t", "d", labels, {"a": list(range(months)), "b": [1] * months}))
    shown = [int(m) for m in re.findall(r">m(\d\d)<", svg)]
    assert shown[-1] == months - 1 and shown[0] == 0
    assert len(shown) <= 7  # about six labels fit under the chart
    gaps = [b - a for a, b in zip(shown, shown[1:], strict=False)]
    assert min(gaps, default=1) >= max(1, round(months / 6))
    assert svg.count("<polyline") == 2


def test_colours_carry_meaning_and_plain_measures_stay_neutral():
    svg = str(charts.bar_chart("t", "d", ["a"], {"Paid": [3], "Unpaid": [1], "Not yet": [2]},
                               meanings={"Paid": "done", "Unpaid": "problem",
                                         "Not yet": "pending"}))
    fills = re.findall(r'<rect x="\d+" y="[\d.]+" width="[\d.]+" height="18" fill="(#\w+)"', svg)
    assert fills == [charts.DONE, charts.PROBLEM, charts.PENDING]
    plain = charts.colours_for(["Men", "Women", "People", "Over 65"])
    assert not {charts.DONE, charts.PENDING, charts.PROBLEM} & set(plain)


def test_charts_are_drawn_at_their_own_size_with_legible_text():
    svg = str(charts.line_chart("t", "d", [f"115/{m:02d}" for m in range(1, 13)],
                                {"a": list(range(12))}))
    width = re.search(r'viewBox="0 0 (\d+) \d+" width="(\d+)"', svg)
    assert width.group(1) == width.group(2) and int(width.group(1)) <= 400
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', svg)]
    assert min(sizes) >= 13
