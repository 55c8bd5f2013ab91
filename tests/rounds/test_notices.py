"""到府致送通知: only the centenarians still to be visited get one, and a letter states only
deadlines that are still ahead on the day it is printed."""

import re
import subprocess
from datetime import date, timedelta

import pytest

from welfare.core.rocdate import format_roc
from welfare.rounds.rules import delivered_at_home, notice_deadline

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("payout_end, late_end, expected", [
    (TODAY, TODAY + timedelta(days=20), ("payout", TODAY)),
    (TODAY - timedelta(days=34), TODAY + timedelta(days=27), ("late", TODAY + timedelta(days=27))),
    (TODAY - timedelta(days=34), TODAY, ("late", TODAY)),
    (TODAY - timedelta(days=34), TODAY - timedelta(days=1), None),
    (TODAY - timedelta(days=1), None, None),
])
def test_notice_deadline(payout_end, late_end, expected):
    assert notice_deadline(TODAY, payout_end, late_end) == expected


@pytest.mark.parametrize("birth, bank, expected", [
    (date(1926, 12, 31), None, True),  # 100 on the reference date
    (date(1927, 1, 1), None, False),  # 99
    (date(1920, 3, 3), "post_office", False),  # paid by transfer
    (date(1930, 1, 2), None, False),
])
def test_delivered_at_home(birth, bank, expected):
    assert delivered_at_home(birth, date(2026, 12, 31), bank) is expected


def pdf_text(response):
    assert response.status_code == 200, response.status_code
    result = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                            check=True)
    return re.sub(r"\s+", "", result.stdout.decode())


def words(day):
    return format_roc(day, "words")


def test_letters_go_to_the_centenarians_only(client, as_role, db, approved_round, elders,
                                             village):
    as_role("staff")
    text = pdf_text(client.get(f"/rounds/{approved_round.id}/notices/{village.code}"))
    assert elders["hundred"].name in text
    assert elders["ninety"].name not in text and elders["young_old"].name not in text
    assert text.count("到府致送通知") == 1
    assert "10,000元" in text and "年滿百歲" in text
    assert f"將於{words(approved_round.payout_end)}前到府致送" in text
    assert f"請於{words(approved_round.late_claim_end)}前至本所社會課補領" in text
    assert words(date.today()) in text  # the day it was printed
    sheets = client.get(f"/rounds/{approved_round.id}/sheets").data.decode()
    assert "年滿百歲" in sheets and f"{village.name_zh}（1 人）" in sheets


def test_after_the_payout_window_no_past_deadline_is_promised(client, as_role, db,
                                                              make_round, elders, village):
    today = date.today()
    round_ = make_round(status="approved", payout_start=today - timedelta(days=40),
                        payout_end=today - timedelta(days=10),
                        late_claim_end=today + timedelta(days=20))
    as_role("staff")
    text = pdf_text(client.get(f"/rounds/{round_.id}/notices/{village.code}"))
    assert elders["hundred"].name in text
    assert words(round_.payout_end) not in text
    assert f"請於{words(round_.late_claim_end)}前至本所社會課補領" in text


def test_no_letters_once_claims_have_ended(client, as_role, db, make_round, elders, village):
    today = date.today()
    round_ = make_round(status="approved", payout_start=today - timedelta(days=60),
                        payout_end=today - timedelta(days=30),
                        late_claim_end=today - timedelta(days=1))
    as_role("staff")
    response = client.get(f"/rounds/{round_.id}/notices/{village.code}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sheets")
    sheets = client.get(f"/rounds/{round_.id}/sheets").data.decode()
    assert f"/notices/{village.code}" not in sheets


def test_paid_centenarians_get_no_letter(client, as_role, db, approved_round, elders,
                                         village, make_user):
    from tests.rounds.test_check_pages import entry_of
    from welfare.rounds import payouts

    payouts.record_payout(entry_of(db, approved_round, elders["hundred"]), "elder",
                          actor=make_user("staff"))
    db.session.flush()
    as_role("staff")
    text = pdf_text(client.get(f"/rounds/{approved_round.id}/notices/{village.code}"))
    assert elders["hundred"].name not in text and "本里目前沒有待致送的長者" in text
