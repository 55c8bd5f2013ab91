from datetime import date

import pytest

from welfare.lookup import rules

START, END, LATE = date(2026, 10, 18), date(2026, 10, 31), date(2026, 12, 31)


@pytest.mark.parametrize("outcome, hold, bank, account, today, code", [
    ("elder", None, None, None, date(2026, 10, 20), rules.PAID_TO_ELDER),
    ("proxy", None, None, None, date(2026, 10, 20), rules.PAID_TO_PROXY),
    ("bank", None, "post_office", "0081234-00412345", date(2026, 10, 20), rules.TRANSFERRED),
    (None, None, "post_office", "00412345", date(2026, 10, 1), rules.TRANSFER_PENDING),
    (None, None, None, None, date(2026, 10, 1), rules.COLLECT),
    (None, None, None, None, date(2026, 10, 31), rules.COLLECT),
    (None, None, None, None, date(2026, 11, 1), rules.LATE_CLAIM),
    (None, None, None, None, date(2027, 1, 1), rules.NOT_PAID),
    (None, "deceased", None, None, date(2026, 10, 20), rules.ASK_OFFICE),
    ("not_found", None, None, None, date(2026, 10, 20), rules.COLLECT),
    ("waived", None, None, None, date(2026, 10, 20), rules.NOT_PAID),
])
def test_entry_status(outcome, hold, bank, account, today, code):
    status = rules.entry_status(outcome, date(2026, 10, 20), hold, bank, account, START, END,
                                LATE, today)
    assert status.code == code


def test_transfer_shows_only_the_last_four_digits():
    status = rules.entry_status("bank", date(2026, 10, 20), None, "post_office",
                                "0081234-00412345", START, END, LATE, date(2026, 10, 21))
    assert status.account_tail == "2345"
    assert rules.account_tail("12") == ""


@pytest.mark.parametrize("name, shown", [("王小明", "王○○"), ("歐陽娜娜", "歐○○○"), ("林", "林○"),
                                         ("", "")])
def test_masked_name(name, shown):
    assert rules.masked_name(name) == shown


@pytest.mark.parametrize("failures, limit, refused", [(0, 5, False), (4, 5, False),
                                                      (5, 5, True), (9, 5, True)])
def test_throttled(failures, limit, refused):
    assert rules.throttled(failures, limit) is refused
