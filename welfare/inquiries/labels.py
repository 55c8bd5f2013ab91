"""Display names for inquiry codes (lazy: they follow the page's language)."""

from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "counter": _l("At the counter"),
    "phone": _l("By phone"),
    "letter": _l("By letter"),
    "mayor_mailbox": _l("Mayor's mailbox (首長信箱)"),
    "referral_1999": _l("1999 hotline referral"),
    "online": _l("Online form"),
}
STATUS_LABELS = {"open": _l("Open"), "answered": _l("Answered"), "closed": _l("Closed")}
