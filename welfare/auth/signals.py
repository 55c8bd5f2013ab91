"""Signals other domains listen to, so that auth need not import them."""

from blinker import Namespace

_signals = Namespace()

# Sent with the user as sender (and actor=, now=) when a password is changed or an account
# disabled: every credential issued before must stop working (visits revokes API tokens).
credentials_changed = _signals.signal("credentials-changed")
