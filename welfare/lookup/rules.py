"""What a citizen is told about one round entry, in plain words: pure functions."""

from dataclasses import dataclass
from datetime import date

PAID_TO_ELDER, PAID_TO_PROXY, TRANSFERRED = "collected_self", "collected_proxy", "transferred"
COLLECT, TRANSFER_PENDING, LATE_CLAIM = "collect", "transfer_pending", "late_claim"
ASK_OFFICE, NOT_PAID = "ask_office", "not_paid"


@dataclass(frozen=True)
class EntryStatus:
    code: str
    on: date | None = None  # when it was paid
    start: date | None = None  # the window to collect in
    end: date | None = None
    account_tail: str = ""  # last four digits of the account, for transfers
    bank: str = ""


def account_tail(account):
    """The last four digits of an account number, or "" when there are fewer."""
    digits = "".join(c for c in (account or "") if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def entry_status(outcome, paid_on, hold, bank, account, start, end, late_end, today):
    """The plain status of one frozen entry: paid (how, when), to collect (when), to be
    transferred, a late claim, or ask the office."""
    if outcome == "elder":
        return EntryStatus(PAID_TO_ELDER, on=paid_on)
    if outcome == "proxy":
        return EntryStatus(PAID_TO_PROXY, on=paid_on)
    if outcome == "bank":
        return EntryStatus(TRANSFERRED, on=paid_on, bank=bank or "",
                           account_tail=account_tail(account))
    if outcome in ("deceased", "moved_out", "waived", "forfeited"):
        return EntryStatus(NOT_PAID)
    if hold:
        return EntryStatus(ASK_OFFICE)
    if bank and account_tail(account) and outcome is None:
        return EntryStatus(TRANSFER_PENDING, bank=bank, account_tail=account_tail(account))
    if today <= end:
        return EntryStatus(COLLECT, start=start, end=end)
    if late_end and today <= late_end:
        return EntryStatus(LATE_CLAIM, start=today, end=late_end)
    return EntryStatus(NOT_PAID)


def masked_name(name):
    """The surname's first character only: 王小明 -> 王○○."""
    name = (name or "").strip()
    return name[:1] + "○" * max(len(name) - 1, 1) if name else ""


def throttled(failures, max_failures):
    """True when this client has failed as often as allowed in the window."""
    return failures >= max_failures
