"""Delivery maps (folium, local Leaflet) and the tile-free route schematic for sheets."""

import json
import math
import re

import segno
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape

from welfare.maps import ROUTE_COLOURS, embed, make_map, marker_cluster, numbered_icon
from welfare.web import OFFICE


def _embed(m):
    """welfare.maps.embed without folium's full-page rules: its second viewport meta
    (user-scalable=no fails WCAG 1.4.4) and the html/body/#map sizing meant for a bare page."""
    header, body, script = embed(m)
    header = re.sub(r"<meta name=\"viewport\"[^>]*>", "", str(header), flags=re.S)
    header = re.sub(r"<style[^>]*>\s*html, body \{.*?</style>", "", header, flags=re.S)
    header = re.sub(r"<style[^>]*>\s*#map \{.*?</style>", "", header, flags=re.S)
    return Markup(header), body, Markup(JQUERY_SHIM) + script


# folium's HTML popups call $(`<div>...</div>`)[0]; jQuery is not loaded (no CDN), so
# build the element the same way without it.
JQUERY_SHIM = (
    "window.$ = window.$ || function (html) { var t = document.createElement('template');"
    " t.innerHTML = String(html).trim(); return [t.content.firstChild]; };\n"
)


def colour(position):
    return ROUTE_COLOURS[position % len(ROUTE_COLOURS)]


# Solid, dashed, dotted: routes stay apart where colours are hard to tell.
DASHES = [None, "10 6", "2 6"]


def dash(position):
    return DASHES[(position // len(ROUTE_COLOURS) + position) % len(DASHES)]


def _office(m):
    import folium

    depot = (current_app.config["DEPOT_LAT"], current_app.config["DEPOT_LNG"])
    folium.Marker(
        depot,
        tooltip=OFFICE.short,
        title=OFFICE.short,
        icon=folium.DivIcon(
            html='<div class="map-pin map-office" aria-hidden="true">公</div>',
            icon_size=(28, 28),
            icon_anchor=(14, 14),
        ),
    ).add_to(m)
    return depot


def route_path(route, depot):
    """Office, stops in order (back to the office between loads), office."""
    path, trip = [depot], None
    for s in route.stops:
        if trip is not None and s.trip != trip:
            path.append(depot)
        path.append((s.lat, s.lng))
        trip = s.trip
    return path + [depot]


def _title(route, stop):
    """The marker's accessible name (Leaflet puts it in the icon's title)."""
    return _("%(vehicle)s, stop %(n)s: %(name)s", vehicle=route.vehicle.name, n=stop.sequence,
             name=stop.recipient_name)


def _popup(stop, number=None):
    import folium

    lines = [
        f"<strong>{escape(number) + '. ' if number else ''}{escape(stop.recipient_name)}</strong>",
        escape(stop.address),
    ]
    if stop.phone:
        lines.append(escape(stop.phone))
    goods = "、".join(f"{escape(k)} {v}" for k, v in stop.goods.items())
    if goods:
        lines.append(goods)
    if stop.approximate:
        lines.append(escape(_("Approximate position: the village centre")))
    return folium.Popup("<br>".join(str(x) for x in lines), max_width=260)


def _fit(m, points):
    if points:
        lats = [p[0] for p in points]
        lngs = [p[1] for p in points]
        m.fit_bounds([[min(lats), min(lngs)], [max(lats), max(lngs)]], padding=(20, 20))


def overview_map(event, unserved=()):
    """All routes of an event: one colour and line pattern per route (the page lists them
    as the legend); each route's stops gather into clusters of its colour until zoomed in."""
    import folium

    m = make_map()
    depot = _office(m)
    points = [depot]
    for route in event.routes:
        c = colour(route.position)
        path = route_path(route, depot)
        folium.PolyLine(
            route.line or path, color=c, weight=4, opacity=0.85, dash_array=dash(route.position),
            tooltip=route.vehicle.name,
        ).add_to(m)
        cluster = marker_cluster(c, name=route.vehicle.name).add_to(m)
        for s in route.stops:
            folium.Marker(
                (s.lat, s.lng),
                icon=numbered_icon(s.sequence, c),
                popup=_popup(s, s.sequence),
                title=_title(route, s),
            ).add_to(cluster)
        points += path
    for s in unserved:
        if s.lat is not None:
            folium.CircleMarker(
                (s.lat, s.lng),
                radius=7,
                color="#0b0c0c",
                fill=True,
                fill_color="#ffffff",
                popup=_popup(s),
            ).add_to(m)
            points.append((s.lat, s.lng))
    _fit(m, points)
    return _embed(m)


def route_map(route, draggable=False):
    """One route: numbered markers with popups, clustered where they overlap; staff may drag
    a marker to correct it. Returns (header, body, script, drag_targets) where drag_targets
    maps JS names to stops."""
    import folium

    m = make_map()
    depot = _office(m)
    c = colour(route.position)
    path = route_path(route, depot)
    folium.PolyLine(route.line or path, color=c, weight=4, opacity=0.8,
                    dash_array=dash(route.position)).add_to(m)
    targets = {}
    # Only pins that would cover each other gather: staff drag single pins to correct them.
    cluster = marker_cluster(c, name=route.vehicle.name, radius=20).add_to(m)
    for s in route.stops:
        marker = folium.Marker(
            (s.lat, s.lng),
            icon=numbered_icon(s.sequence, c),
            popup=_popup(s, s.sequence),
            draggable=draggable,
            title=_title(route, s),
        )
        marker.add_to(cluster)
        targets[marker.get_name()] = s.id
    _fit(m, path)
    header, body, script = _embed(m)
    return header, body, script, Markup(json.dumps(targets))


def stop_map(route, stop):
    """A small map of one stop for the serviceman's phone: its numbered marker, close up."""
    import folium

    m = make_map(location=(stop.lat, stop.lng), zoom_start=16)
    folium.Marker(
        (stop.lat, stop.lng),
        icon=numbered_icon(stop.sequence, colour(route.position)),
        title=_title(route, stop),
    ).add_to(m)
    return _embed(m)


def schematic_svg(points, depot, width=520, height=300, trips=None):
    """An SVG line drawing of a route (no tiles): office square, numbered stops in order,
    back to the office between loads."""
    if not points:
        return Markup("")
    allp = [depot] + list(points)
    lat0 = sum(p[0] for p in allp) / len(allp)
    kx = math.cos(math.radians(lat0))
    xs = [p[1] * kx for p in allp]
    ys = [p[0] for p in allp]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    pad = 18
    scale = min(
        (width - 2 * pad) / max(max(xs) - min(xs), span * 0.2),
        (height - 2 * pad) / max(max(ys) - min(ys), span * 0.2),
    )

    def xy(i):
        return pad + (xs[i] - min(xs)) * scale, height - pad - (ys[i] - min(ys)) * scale

    coords = [xy(i) for i in range(len(allp))]
    order = [coords[0]]
    for n, point in enumerate(coords[1:]):
        if trips and n and trips[n] != trips[n - 1]:
            order.append(coords[0])
        order.append(point)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in order + [coords[0]])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="路線示意圖">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff" stroke="#999"/>',
        f'<polyline points="{path}" fill="none" stroke="#1d70b8" stroke-width="1.6"/>',
    ]
    x, y = coords[0]
    parts.append(f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" fill="#0b0c0c"/>')
    parts.append(f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" font-size="10">公所</text>')
    for n, (x, y) in enumerate(coords[1:], start=1):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#fff" stroke="#0b0c0c"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y + 3:.1f}" font-size="8" text-anchor="middle">{n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def qr_svg(url):
    """A QR code as inline SVG (opens the phone view of a route)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2))
