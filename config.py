"""Settings, all read from the environment with safe defaults."""

import os
import sys
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _default_instance_dir():
    """instance/ in a checkout; <prefix>/var/welfare-instance when installed with pip
    (as Flask does), never inside site-packages."""
    if (BASE_DIR / "pyproject.toml").is_file():
        return BASE_DIR / "instance"
    return Path(sys.prefix) / "var" / "welfare-instance"


INSTANCE_DIR = Path(os.environ.get("WELFARE_INSTANCE") or _default_instance_dir())


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


def _migrate_database_url():
    return normalise_database_url(os.environ.get("MIGRATE_DATABASE_URL", ""))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # The schema owner's URL for `flask db upgrade`; the app itself runs as a lesser role
    # (README, Deploy). Empty: migrations use DATABASE_URL.
    MIGRATE_DATABASE_URL = _migrate_database_url()

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
    # Failed sign-ins from one address, whatever the names, before it must wait.
    LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", "30"))
    # Reverse proxies in front that append to X-Forwarded-For (1 behind nginx).
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

    # How ID numbers are shown: keep this many leading characters, mask the rest.
    ID_MASK_KEEP = int(os.environ.get("ID_MASK_KEEP", "6"))
    ID_MASK_CHAR = os.environ.get("ID_MASK_CHAR", "*")

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    # Imported files (roster, typed-back round sheets): rows a file may have, what an XLSX
    # may unpack to and its shared strings, and how many problems are listed one by one.
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
    IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "500"))
    IMPORT_MAX_SHARED_STRINGS_MB = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS_MB", "64"))
    IMPORT_MAX_ERRORS = int(os.environ.get("IMPORT_MAX_ERRORS", "1000"))
    PER_PAGE = 25
    # Emergency aid: an application still undecided after this many working days is overdue.
    AID_DECISION_DAYS = int(os.environ.get("AID_DECISION_DAYS", "7"))
    # The office's holidays are data an admin keeps on the holidays page (seeded with the
    # government office calendar). A deployment may add weekdays it is closed besides them
    # (a local typhoon day already known, say), as ISO dates separated by commas.
    OFFICE_HOLIDAYS = frozenset(date.fromisoformat(d.strip()) for d in os.environ.get(
        "OFFICE_HOLIDAYS", "").split(",") if d.strip())

    # How the public reaches the Social Affairs Section (shown on the accessibility and
    # privacy pages), e.g. "07-000-0000 分機 000"; empty shows no contact line.
    OFFICE_CONTACT = os.environ.get("OFFICE_CONTACT", "")

    # The district office(s) served: the MOI town code (64000130 is 高雄市林園區), several
    # comma-separated for a city bureau. The office's name, the map's centre and the depot
    # (start and end of routes) follow from it unless set (welfare/geo/district.py).
    WELFARE_DISTRICT = os.environ.get("WELFARE_DISTRICT", "64000130")
    OFFICE_NAME = os.environ.get("OFFICE_NAME", "")
    OFFICE_NAME_EN = os.environ.get("OFFICE_NAME_EN", "")
    OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "")
    DISTRICT_CENTER = None
    DEPOT_LAT = os.environ.get("DEPOT_LAT", "")
    DEPOT_LNG = os.environ.get("DEPOT_LNG", "")
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
    # Typed-back sheets with more rows than this are recorded in the background.
    ROUNDS_UPLOAD_BACKGROUND_ROWS = int(os.environ.get("ROUNDS_UPLOAD_BACKGROUND_ROWS", "1000"))

    REPORTS_CACHE_SECONDS = int(os.environ.get("REPORTS_CACHE_SECONDS", "600"))
    # Audit rows younger than this are looked at again by the stored counts' change check
    # (a roster change may commit after a later-numbered row).
    REPORTS_SETTLE_SECONDS = int(os.environ.get("REPORTS_SETTLE_SECONDS", "900"))
    VISITS_TOKEN_DAYS = int(os.environ.get("VISITS_TOKEN_DAYS", "14"))
    # Periodic work (alert escalation) from a thread of this process when there is no Redis
    # (with Redis, `make cron` runs it): `make run` turns it on; one process should.
    SCHEDULER = _env_bool("WELFARE_SCHEDULER")
    VISITS_ESCALATE_SECONDS = int(os.environ.get("VISITS_ESCALATE_SECONDS", "300"))
    # Background jobs: the longest a job may run, how often a running job records that its
    # process is alive, after how long without a heartbeat it counts as interrupted, and how
    # often the scheduler looks for such jobs (0: never, as in tests unless they ask).
    JOBS_TIMEOUT_SECONDS = int(os.environ.get("JOBS_TIMEOUT_SECONDS", "3600"))
    JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
    JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "45"))
    JOBS_RECOVER_SECONDS = int(os.environ.get("JOBS_RECOVER_SECONDS", "20"))
    # The data-quality page's stored counts: recounted by the scheduler this often (0: only
    # after imports and from the page's button, as in tests), used while younger than this.
    QUALITY_RECOUNT_SECONDS = int(os.environ.get("QUALITY_RECOUNT_SECONDS", "3600"))
    QUALITY_FRESH_SECONDS = int(os.environ.get("QUALITY_FRESH_SECONDS", "7200"))

    WTF_CSRF_TIME_LIMIT = None

    # `flask backup` / `flask restore` on PostgreSQL: client binaries no older than the server.
    PG_DUMP = os.environ.get("PG_DUMP", "pg_dump")
    PG_RESTORE = os.environ.get("PG_RESTORE", "pg_restore")


class TestConfig(Config):
    TESTING = True
    REPORTS_SETTLE_SECONDS = 0
    SECRET_KEY = "test"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    MIGRATE_DATABASE_URL = ""
    TRUSTED_PROXY_HOPS = 0
    WTF_CSRF_ENABLED = False
    REDIS_URL = ""
    SCHEDULER = False
    JOBS_RECOVER_SECONDS = 0
    QUALITY_RECOUNT_SECONDS = 0
    LOGIN_MAX_FAILURES = 3
