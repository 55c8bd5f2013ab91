"""Template filters, globals and response headers shared by every page."""

import re
import secrets
from datetime import date
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from welfare.core import idno, rocdate


def is_chinese():
    return str(get_locale() or "").startswith("zh")


def show_date(value, style="slash"):
    """ROC in the Chinese interface, ISO in English."""
    if not value:
        return ""
    if is_chinese():
        return rocdate.format_roc(value, style)
    return value.isoformat() if isinstance(value, date) else str(value)


def show_year(year):
    """A year (年度): ROC in the Chinese interface (2027 -> 116), AD in English."""
    if not year:
        return ""
    return str(int(year) - rocdate.ROC_OFFSET) if is_chinese() else str(year)


def show_month(text):
    """A month ('2025-01' or a date): 114/01 in the Chinese interface, 2025-01 in English."""
    if not text:
        return ""
    year, month = (text.year, text.month) if isinstance(text, date) else map(int, text.split("-"))
    if is_chinese():
        return f"{year - rocdate.ROC_OFFSET:03d}/{month:02d}"
    return f"{year:04d}-{month:02d}"


def show_datetime(value):
    if not value:
        return ""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    local = value.replace(tzinfo=UTC).astimezone(
        ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    )
    return f"{show_date(local.date())} {local:%H:%M}"


_ISO_MOMENT = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?"
                         r"(?:\+00:00|Z)?)?\b")


def show_recorded(value):
    """A value recorded as JSON (an audit entry's before and after): the ISO dates and
    UTC times inside it are shown as show_date and show_datetime show them."""
    if value is None or value == "":
        return ""

    def one(match):
        from datetime import datetime

        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            return match.group(0)
        if match.group(2):
            return show_datetime(datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}"))
        return show_date(day)

    return _ISO_MOMENT.sub(one, str(value))


def show_number(value, digits=0):
    """A figure with thousands separators: 1234 -> '1,234', 14 with digits=1 -> '14.0'."""
    if value is None or value == "":
        return ""
    return f"{value:,.{digits}f}"


def show_quantity(value, unit, digits=0):
    """A figure and its (already translated) unit: '1,683 人', '14.0 小時', '120 戶'."""
    number = show_number(value, digits)
    return f"{number} {unit}" if number else ""


def masked_id(number):
    return idno.mask(
        number, current_app.config["ID_MASK_KEEP"], current_app.config["ID_MASK_CHAR"]
    )


def village_name(village):
    if village is None:
        return ""
    return village.name_zh if is_chinese() else village.name_en


class Office:
    """The office this deployment serves, in the interface language (set by
    WELFARE_DISTRICT and the OFFICE_* settings): `office.name` 高雄市林園區公所,
    `office.short` 林園區公所, `office.district` 林園區, `office.service` 林園區社區關懷服務."""

    @property
    def _district(self):
        return current_app.config["DISTRICTS"][0]

    @property
    def several(self):
        return len(current_app.config["DISTRICTS"]) > 1

    @property
    def name(self):
        config = current_app.config
        return config["OFFICE_NAME"] if is_chinese() else config["OFFICE_NAME_EN"]

    @property
    def short(self):
        """The office's name without its county or city, as letters and pages say it."""
        if self.several or current_app.config["OFFICE_NAME"] != self._district.office_name:
            return self.name
        d = self._district
        return f"{d.name}公所" if is_chinese() else f"{d.name_en} Office"

    @property
    def district(self):
        if self.several:
            d = self._district
            return d.county if is_chinese() else d.county_en
        return self._district.name if is_chinese() else self._district.name_en

    @property
    def place(self):
        """The district's short name for titles: 林園 (林園區), 秀林 (秀林鄉), Linyuan."""
        if is_chinese():
            return self.district[:-1] if len(self.district) > 2 else self.district
        return self.district.rsplit(" ", 1)[0]

    @property
    def head_zh(self):
        """The office's head on sign-off rows: 區長, 鄉長, 鎮長 or 市長; a bureau's 局長."""
        return "局長" if self.several else f"{self._district.name[-1]}長"

    @property
    def address(self):
        return current_app.config.get("OFFICE_ADDRESS", "")


OFFICE = Office()


def url_with(**changes):
    """The current URL with some query arguments replaced (for paging and sorting)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def csp_nonce():
    """This request's nonce for inline <script> and <style> elements (one per request)."""
    if not has_request_context():
        return ""
    nonce = getattr(request, "csp_nonce", None)
    if nonce is None:
        nonce = request.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def tile_origin(tile_url):
    """The scheme and host of the map tile URL ('https://tile.example.org'), or None."""
    parts = urlsplit(tile_url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    # '{s}.tile.example.org' (Leaflet subdomains) becomes a CSP wildcard host.
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce=None):
    """The Content-Security-Policy header: everything from this site, inline <script> and
    <style> elements only with the request's nonce, no style="" attributes (templates draw
    colours and widths as SVG attributes), map tiles from the TILE_URL host."""
    inline = f" 'nonce-{nonce}'" if nonce else ""
    tiles = tile_origin(current_app.config.get("TILE_URL"))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self'{inline}",
        f"style-src 'self'{inline}",
        "img-src 'self' data: blob:" + (f" {tiles}" if tiles else ""),
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def register_web(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.filters["roc"] = show_date
    app.jinja_env.filters["dt"] = show_datetime
    app.jinja_env.filters["recorded"] = show_recorded
    app.jinja_env.filters["month"] = show_month
    app.jinja_env.filters["year"] = show_year
    app.jinja_env.filters["num"] = show_number
    app.jinja_env.filters["qty"] = show_quantity
    app.jinja_env.filters["masked_id"] = masked_id
    app.jinja_env.filters["village_name"] = village_name
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["office"] = OFFICE
    app.jinja_env.globals["age_of"] = lambda birth: rocdate.age_on(birth, date.today())
    app.jinja_env.globals["today"] = date.today
    app.jinja_env.globals["is_chinese"] = is_chinese
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject():
        return {"current_user": current_user, "locale": str(get_locale() or "zh_Hant_TW")}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Every page gets a nonce (a streamed template may render after this runs).
        nonce = csp_nonce() if response.mimetype == "text/html" else None
        # Not on PDFs: Chromium's built-in viewer is a plugin that object-src 'none' blocks.
        if response.mimetype != "application/pdf":
            response.headers.setdefault("Content-Security-Policy",
                                        content_security_policy(nonce))
        # Pages only: JSON and files never load the signed-in user just for this header.
        if response.mimetype == "text/html" and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
