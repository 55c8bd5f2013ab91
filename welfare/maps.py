"""folium maps that load Leaflet from this app, never from a CDN.

Pages embed a map with `embed(m)`: its header (CSS/JS links), body and script.
Tiles come from the TILE_URL setting; markers, lines and shapes still show when
tiles cannot load (no network)."""

import re

from flask import current_app, url_for
from markupsafe import Markup, escape

from welfare.web import csp_nonce


def _local_assets():
    js = [("leaflet", url_for("static", filename="vendor/leaflet/leaflet.js"))]
    css = [
        ("leaflet_css", url_for("static", filename="vendor/leaflet/leaflet.css")),
        ("welfare_map_css", url_for("static", filename="css/map.css")),
    ]
    return js, css


def make_map(location=None, zoom_start=14, **kwargs):
    """A folium Map with local Leaflet and the configured tile layer."""
    import folium

    js, css = _local_assets()
    m = folium.Map(
        location=location or current_app.config["DISTRICT_CENTER"],
        zoom_start=zoom_start,
        tiles=None,
        control_scale=True,
        **kwargs,
    )
    m.default_js = js
    m.default_css = css
    tile_url = current_app.config.get("TILE_URL")
    if tile_url:
        folium.TileLayer(
            tiles=tile_url,
            attr=current_app.config.get(
                "TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
            ),
            name="tiles",
        ).add_to(m)
    return m


def strip_foreign_assets(html):
    """Drop any <script src> or <link href> that points off this site (a plugin's CDN)."""
    html = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>', "", html)
    return re.sub(r'<link[^>]+href="https?://[^"]*"[^>]*/?>', "", html)


POPUP_STYLE = re.compile(
    r'(?<=<div id="html_[0-9a-f]{32}") style="width: 100\.0%; height: 100\.0%;"'
)


def embed(m):
    """(header, body, script) as Markup for a Jinja page; the page puts the script in a
    <script nonce="{{ csp_nonce() }}"> element."""
    root = m.get_root()
    root.render()
    header = strip_foreign_assets(root.header.render())
    # folium's own viewport tag forbids zooming (WCAG 1.4.4); base.html has a proper one.
    header = re.sub(r"<meta[^>]+name=\"viewport\"[^>]*>", "", header)
    # folium's <style> and <script> elements run under the page's CSP nonce.
    header = re.sub(r"<(script|style)\b", rf'<\1 nonce="{csp_nonce()}"', header)
    body = root.html.render()
    # The CSP allows no style attributes; map.css sizes the popup's box instead.
    script = POPUP_STYLE.sub("", root.script.render())
    return Markup(header), Markup(body), Markup(script)


def numbered_icon(number, colour="#1d70b8"):
    """A round numbered marker drawn with HTML (no icon font needed); the colour is an SVG
    fill because the CSP allows no style attributes."""
    import folium

    return folium.DivIcon(
        html=(
            f'<div class="map-pin" aria-hidden="true"><svg viewBox="0 0 1 1" '
            f'preserveAspectRatio="none" focusable="false"><rect width="1" height="1" '
            f'fill="{escape(colour)}"/></svg><span>{int(number)}</span></div>'
        ),
        icon_size=(28, 28),
        icon_anchor=(14, 14),
    )


# A cluster is a white disc ringed in its route's colour (a stop is a filled pin), with the
# number of stops it holds.
CLUSTER_ICON = """function (cluster) {
  var n = cluster.getChildCount(), size = n < 10 ? 36 : (n < 100 ? 42 : 48);
  return L.divIcon({className: "map-cluster", iconSize: L.point(size, size),
    html: '<div class="map-cluster-pin"><svg viewBox="0 0 40 40" focusable="false"'
      + ' aria-hidden="true"><circle cx="20" cy="20" r="17" fill="#fff" stroke="%s"'
      + ' stroke-width="6"/></svg><span>' + n + '</span></div>'});
}"""


def marker_cluster(colour="#1d70b8", name=None, radius=40):
    """Leaflet.markercluster served from static/vendor (folium's own links point at a CDN):
    stops within `radius` pixels gather into one numbered circle that opens as the map zooms
    in."""
    from folium.plugins import MarkerCluster

    cluster = MarkerCluster(
        name=name,
        icon_create_function=CLUSTER_ICON % escape(colour),
        options={"showCoverageOnHover": False, "disableClusteringAtZoom": 17,
                 "spiderfyOnMaxZoom": True, "maxClusterRadius": radius},
    )
    cluster.default_js = [
        ("markerclusterjs",
         url_for("static", filename="vendor/markercluster/leaflet.markercluster.js")),
    ]
    cluster.default_css = [
        ("markerclustercss", url_for("static", filename="vendor/markercluster/MarkerCluster.css")),
    ]
    return cluster


# Colours that keep 3:1 contrast against light tiles, for one colour per route.
ROUTE_COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#6f2c91", "#b35900", "#005ea5",
                 "#912b88", "#28a197", "#505a5f", "#0b0c0c"]
