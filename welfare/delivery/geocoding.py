"""Addresses to positions: a geopy provider behind a database cache.

A failed lookup (no network, unknown address) leaves the stop at its village's
centroid, marked approximate. Staff corrections are cached as `manual` and win."""

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from welfare.auth.models import utcnow
from welfare.delivery.models import GeocodedAddress
from welfare.delivery.rules import normalise_address
from welfare.extensions import db

RETRY_FAILED_AFTER = timedelta(days=7)


def make_geocoder(config):
    """The configured provider as a callable address -> geopy Location or None."""
    provider = config.get("GEOCODER_PROVIDER", "nominatim")
    if provider == "fake":
        from welfare.delivery.fake_geocoder import FakeGeocoder

        geocoder = FakeGeocoder()
    else:
        from urllib.parse import urlparse

        from geopy.geocoders import get_geocoder_for_service

        url = urlparse(config.get("GEOCODER_URL") or "https://nominatim.openstreetmap.org")
        cls = get_geocoder_for_service(provider)
        geocoder = cls(
            domain=url.netloc + url.path.rstrip("/"),
            scheme=url.scheme or "https",
            user_agent="welfare-linyuan/1.0",
            timeout=config.get("GEOCODER_TIMEOUT", 5),
        )
    from geopy.extra.rate_limiter import RateLimiter

    return RateLimiter(
        geocoder.geocode,
        min_delay_seconds=config.get("GEOCODER_MIN_DELAY", 1.0),
        max_retries=0,
        swallow_exceptions=True,
        return_value_on_exception=None,
    )


def query_text(address, village_name):
    """What we ask the geocoder: county, district, village and street address."""
    from welfare.geo import district
    from welfare.geo.models import Village

    chosen = current_app.config["DISTRICTS"]
    place = chosen[0]
    if len(chosen) > 1 and village_name:
        code = db.session.scalar(sa.select(Village.code).where(Village.name_zh == village_name)
                                 .order_by(Village.code).limit(1))
        place = district.of_village_code(code) if code else place
    return f"{place.county}{place.name}{village_name}{address}"


def cached(keys):
    """Cache rows for these normalised addresses, by key."""
    if not keys:
        return {}
    rows = db.session.scalars(
        sa.select(GeocodedAddress).where(GeocodedAddress.address_key.in_(keys))
    )
    return {row.address_key: row for row in rows}


def lookup_many(addresses, budget_seconds=20.0, geocode=None):
    """Positions for (address, village_name) pairs: cache first, then the provider within a
    time budget. Returns key -> (lat, lng) or None; writes new results to the cache."""
    keys = {normalise_address(a): (a, v) for a, v in addresses if a}
    found = cached(list(keys))
    started = time.monotonic()
    results = {}
    for key, (address, village_name) in keys.items():
        row = found.get(key)
        if row is not None and (
            row.source != "failed" or utcnow() - row.looked_up_at < RETRY_FAILED_AFTER
        ):
            results[key] = (row.lat, row.lng) if row.source != "failed" else None
            continue
        if time.monotonic() - started > budget_seconds:
            results[key] = None
            continue
        geocode = geocode or make_geocoder(current_app.config)
        location = geocode(query_text(address, village_name))
        provider = current_app.config.get("GEOCODER_PROVIDER", "nominatim")
        if row is None:
            row = GeocodedAddress(address_key=key, source="failed", provider=provider)
            db.session.add(row)
        row.looked_up_at = utcnow()
        if location is not None:
            row.lat, row.lng, row.source = location.latitude, location.longitude, "geocoder"
            results[key] = (row.lat, row.lng)
        else:
            results[key] = None
    db.session.flush()
    return results


def remember_correction(address, lat, lng, actor):
    """Keep a staff correction for this address; later lookups return it."""
    key = normalise_address(address)
    row = db.session.scalar(sa.select(GeocodedAddress).where(GeocodedAddress.address_key == key))
    if row is None:
        row = GeocodedAddress(address_key=key, source="manual")
        db.session.add(row)
    row.lat, row.lng, row.source, row.provider = lat, lng, "manual", "staff"
    row.corrected_by_id = getattr(actor, "id", None)
    row.looked_up_at = utcnow()
    db.session.flush()
    return row
