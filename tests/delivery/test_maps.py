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
