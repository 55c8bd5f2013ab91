"""Settings, all read from the environment with safe defaults."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("WELFARE_INSTANCE", BASE_DIR / "instance"))


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url):
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    if url:
        # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _database_url():
    url = os.environ.get("DATABASE_URL")
    return normalise_database_url(url) or f"sqlite:///{INSTANCE_DIR / 'welfare.db'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite (one host): how long a write waits for another to finish before trying again.
    SQLITE_BUSY_SECONDS = float(os.environ.get("SQLITE_BUSY_SECONDS", "30"))
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "welfare")

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "zh_Hant_TW")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Asia/Taipei")
    LANGUAGES = {"zh_Hant_TW": "中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE")
    # Idle timeout: the session is refreshed on each request and dies after this.
    PERMANENT_SESSION_LIFETIME = timedelta(
        minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    )
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))

    # How ID numbers are shown: keep this many leading characters, mask the rest.
    ID_MASK_KEEP = int(os.environ.get("ID_MASK_KEEP", "6"))
    ID_MASK_CHAR = os.environ.get("ID_MASK_CHAR", "*")

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    PER_PAGE = 25

    # How the public reaches the Social Affairs Section (shown on the accessibility and
    # privacy pages), e.g. "07-000-0000 分機 000"; empty shows no contact line.
    OFFICE_CONTACT = os.environ.get("OFFICE_CONTACT", "")

    # District reference point and the office (start and end of routes).
    DISTRICT_CENTER = (22.5071324, 120.3949024)
    DEPOT_LAT = float(os.environ.get("DEPOT_LAT", "22.5071324"))
    DEPOT_LNG = float(os.environ.get("DEPOT_LNG", "120.3949024"))
    TILE_URL = os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://nominatim.openstreetmap.org")
    GEOCODER_PROVIDER = os.environ.get("GEOCODER_PROVIDER", "nominatim")
    GEOCODER_MIN_DELAY = float(os.environ.get("GEOCODER_MIN_DELAY", "1.0"))
    OSRM_URL = os.environ.get("OSRM_URL", "")
    TILE_ATTRIBUTION = os.environ.get("TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

    # Relief-delivery settings (DELIVERY_*) are read in welfare/delivery/__init__.py.

    # Elder-gift rounds: rows per printed sheet page, processes for printing.
    ROUNDS_SHEET_ROWS = int(os.environ.get("ROUNDS_SHEET_ROWS", "10"))
    ROUNDS_PRINT_WORKERS = int(os.environ.get("ROUNDS_PRINT_WORKERS", str(os.cpu_count() or 1)))

    REPORTS_CACHE_SECONDS = int(os.environ.get("REPORTS_CACHE_SECONDS", "600"))
    # Audit rows younger than this are looked at again by the stored counts' change check
    # (a roster change may commit after a later-numbered row).
    REPORTS_SETTLE_SECONDS = int(os.environ.get("REPORTS_SETTLE_SECONDS", "900"))
    VISITS_TOKEN_DAYS = int(os.environ.get("VISITS_TOKEN_DAYS", "14"))
    # Periodic work (alert escalation) from a thread of this process when there is no Redis
    # (with Redis, `make cron` runs it): `make run` turns it on; one process should.
    SCHEDULER = _env_bool("WELFARE_SCHEDULER")
    VISITS_ESCALATE_SECONDS = int(os.environ.get("VISITS_ESCALATE_SECONDS", "300"))

    WTF_CSRF_TIME_LIMIT = None


class TestConfig(Config):
    TESTING = True
    REPORTS_SETTLE_SECONDS = 0
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    WTF_CSRF_ENABLED = False
    REDIS_URL = ""
    SCHEDULER = False
    LOGIN_MAX_FAILURES = 3
