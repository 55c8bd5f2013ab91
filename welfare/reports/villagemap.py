"""A choropleth of the villages drawn with folium.GeoJson (folium.Choropleth would pull
d3 from a CDN for its colour legend); the legend is plain HTML on the page."""

import math

from markupsafe import escape

from welfare.maps import embed, make_map
from welfare.reports.figures import village_label

# Light to dark blue; the darkest still lets the village outline (#0b0c0c) show.
SHADES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NO_DATA = "#f3f2f1"


def breaks(values, classes=5, whole=True):
    """Upper bounds of equal-width classes from 0 to the largest value (whole numbers
    for counts, so that no class reads '6.2-12.4 people')."""
    top = max((v for v in values if v is not None), default=0)
    if top <= 0:
        return [0]
    if whole:
        step = max(1, math.ceil(top / classes))
        return [step * (i + 1) for i in range(min(classes, math.ceil(top / step)))]
    step = top / classes
    return [round(step * (i + 1), 1) for i in range(classes)]


def shade(value, bounds):
    if value is None:
        return NO_DATA
    for index, upper in enumerate(bounds):
        if value <= upper:
            return SHADES[min(index, len(SHADES) - 1)]
    return SHADES[-1]


def legend(bounds, column):
    """(colour, label) pairs for the page's legend."""
    unit = "%" if column.percent else ""
    if bounds == [0]:
        return [(SHADES[0], f"0{unit}")]
    items, lower = [], 0
    for index, upper in enumerate(bounds):
        first = lower if index == 0 or column.percent else lower + 1
        items.append((SHADES[index], f"{_fmt(first)}–{_fmt(upper)}{unit}"))
        lower = upper
    return items


def _fmt(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _label_villages(m, villages):
    """Each village's name at its centre, as text on the map (not a marker one can tab to)."""
    import folium

    for v in villages:
        if v.boundary and v.centroid_lat is not None:
            folium.Marker(
                (v.centroid_lat, v.centroid_lng),
                icon=folium.DivIcon(html=f"<span>{escape(village_label(v))}</span>",
                                    icon_size=(0, 0), class_name="map-village-label"),
                interactive=False, keyboard=False,
            ).add_to(m)


def choropleth(villages, values, column):
    """(header, body, script) of a map colouring each village by its value, and the legend."""
    import folium

    bounds = breaks(values.values(), whole=not column.percent)
    features = []
    for v in villages:
        if not v.boundary:
            continue
        value = values.get(v.id)
        shown = "–" if value is None else (_fmt(value) + ("%" if column.percent else ""))
        features.append({
            "type": "Feature", "geometry": v.boundary,
            "properties": {"name": village_label(v), "value": shown,
                           "fill": shade(value, bounds)},
        })
    m = make_map(zoom_start=13, zoom_snap=0.25)
    bounds_of_map = None
    if features:
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=column.label,
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#0b0c0c",
                                      "weight": 1.5, "fillOpacity": 0.8},
            highlight_function=lambda f: {"weight": 4},
            tooltip=folium.GeoJsonTooltip(fields=["name", "value"],
                                          aliases=["", column.label + ":"]),
        )
        layer.add_to(m)
        _label_villages(m, villages)
        bounds_of_map = layer.get_bounds()
        m.fit_bounds(bounds_of_map)
    # The page refits the map when it is printed (the paper is narrower than the screen).
    return {"map": embed(m), "legend": legend(bounds, column), "name": m.get_name(),
            "bounds": bounds_of_map}
