"""Relief-goods delivery: events, geocoding, optimised routes, maps, sheets, doorstep outcomes."""

import os

from flask import Blueprint

bp = Blueprint("delivery", __name__, url_prefix="/delivery")

SETTINGS = {
    "DELIVERY_DETOUR_FACTOR": ("1.3", float),
    "DELIVERY_SPEED_SCOOTER_KMH": ("25", float),
    "DELIVERY_SPEED_VAN_KMH": ("20", float),
    "DELIVERY_SOLVER_SECONDS": ("0", float),  # 0: by size (see planning.solver_seconds)
    "GEOCODER_TIMEOUT": ("5", float),
}


def init_app(app):
    """Delivery settings from the environment unless the config class set them."""
    for name, (default, cast) in SETTINGS.items():
        app.config.setdefault(name, cast(os.environ.get(name, default)))


from welfare.delivery import (  # noqa: E402,F401
    history,
    merges,
    quality,
    views,
    views_phone,
    views_routes,
    views_stops,
)
from welfare.delivery.cli import delivery_cli  # noqa: E402

cli_commands = [delivery_cli]
