"""The event map: stops cluster per route from this site's own copy of Leaflet.markercluster,
each route in its own colour and line pattern; the page's legend names them."""

import re

from tests.delivery.test_views import planned  # noqa: F401 (a fixture)
from welfare.delivery.mapping import colour, dash


def test_event_map_clusters_each_route_in_its_colour(client, staff_user, planned):  # noqa: F811
    event, _man, _mine, _theirs = planned
    page = client.get(f"/delivery/events/{event.id}").get_data(as_text=True)
    assert "/static/vendor/markercluster/leaflet.markercluster.js" in page
    assert "/static/vendor/markercluster/MarkerCluster.css" in page
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)
    assert page.count("L.markerClusterGroup(") == len(event.routes)
    for route in event.routes:
        # its clusters' ring and its line in the legend
        assert page.count(f'stroke="{colour(route.position)}"') >= 2
        assert route.vehicle.name in page
    assert 'class="map-key"' in page and page.count('class="line-swatch"') == len(event.routes)
    asset = client.get("/static/vendor/markercluster/leaflet.markercluster.js")
    asset.close()
    assert asset.status_code == 200


def test_routes_differ_in_colour_and_line_pattern():
    styles = {(colour(p), dash(p)) for p in range(30)}
    assert len(styles) == 30
    assert {dash(p) for p in range(3)} == {None, "10 6", "2 6"}


def test_map_markers_speak_the_page_language(client, staff_user, planned, db):  # noqa: F811
    """A marker's name and popup come from the catalogue: Chinese by default, English when
    asked, and an approximate stop says so in the page's language."""
    event, _man, _mine, _theirs = planned
    stop = event.routes[0].stops[0]
    stop.approximate = True
    db.session.commit()
    chinese = _unescaped(client.get(f"/delivery/events/{event.id}"))
    assert f"第 {stop.sequence} 站：{stop.recipient_name}" in chinese
    assert "位置為里中心（約略）" in chinese
    db.session.close()


def test_map_markers_in_english(app, planned):  # noqa: F811
    from welfare.delivery import mapping

    event = planned[0]
    route = event.routes[0]
    stop = route.stops[0]
    stop.approximate = True
    with app.test_request_context("/?lang=en"):
        assert mapping._title(route, stop) == (
            f"{route.vehicle.name}, stop {stop.sequence}: {stop.recipient_name}")
        popup = "".join(e.render() for e in mapping._popup(stop).html._children.values())
    assert "Approximate position: the village centre" in popup


def _unescaped(response):
    """The page with folium's JSON escapes (\\uXXXX) read back as characters."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)),
                  response.get_data(as_text=True))
