"""Travel times: geodesic estimate by vehicle type, or a (local, fake) OSRM server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from welfare.delivery.travel import matrices

POINTS = [(22.5071, 120.3949), (22.5100, 120.4000), (22.4950, 120.3900)]


@pytest.fixture
def fake_osrm():
    """A tiny OSRM table service on localhost: every leg 120 s and 900 m."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            n = self.path.split("/driving/")[1].split("?")[0].count(";") + 1
            body = {
                "code": "Ok",
                "durations": [[0 if i == j else 120 for j in range(n)] for i in range(n)],
                "distances": [[0 if i == j else 900 for j in range(n)] for i in range(n)],
            }
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def test_geodesic_times_depend_on_vehicle_type():
    config = {
        "DELIVERY_DETOUR_FACTOR": 1.3,
        "DELIVERY_SPEED_SCOOTER_KMH": 25,
        "DELIVERY_SPEED_VAN_KMH": 20,
    }
    metres, durations, source = matrices(POINTS, ["scooter", "van"], config)
    assert source == "geodesic"
    assert metres.shape == (3, 3) and metres[0, 0] == 0
    assert durations["van"][0, 1] > durations["scooter"][0, 1] > 0


def test_osrm_table_when_configured(fake_osrm):
    url, seen = fake_osrm
    metres, durations, source = matrices(POINTS, ["scooter"], {"OSRM_URL": url})
    assert source == "osrm"
    assert durations["scooter"][0, 1] == 120 and metres[1, 2] == 900
    assert seen and "/table/v1/driving/120.394900,22.507100;" in seen[0]


def test_osrm_down_falls_back_to_geodesic():
    _metres, _durations, source = matrices(POINTS, ["van"], {"OSRM_URL": "http://127.0.0.1:9"})
    assert source == "geodesic"
