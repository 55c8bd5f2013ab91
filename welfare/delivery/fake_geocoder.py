"""A geopy-compatible geocoder for tests and offline demos (GEOCODER_PROVIDER=fake).

It never touches the network: addresses containing 查無 are not found, others get a
deterministic point a few hundred metres from the district centre."""

import hashlib

from geopy.location import Location
from geopy.point import Point

CENTRE = (22.5071324, 120.3949024)


class FakeGeocoder:
    calls = 0

    def geocode(self, query, **kwargs):
        type(self).calls += 1
        if "查無" in query:
            return None
        digest = hashlib.sha256(query.encode("utf-8")).digest()
        lat = CENTRE[0] + (digest[0] - 128) / 128 * 0.01
        lng = CENTRE[1] + (digest[1] - 128) / 128 * 0.01
        return Location(query, Point(lat, lng), {"fake": True})
