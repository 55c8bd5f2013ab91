"""Freeze, approve, approve a supplementary list, close and reverse a payout: the GET shows
what will happen (and changes nothing); only the POST from it acts."""

import re
from datetime import date

import sqlalchemy as sa

from welfare.rounds import payouts, services
from welfare.rounds.models import Payout, Round, RoundBatch, RoundEntry


def text_of(response):
    return re.sub(r"\s+", " ", response.data.decode())


def entry_of(db, round_, person):
    return db.session.scalar(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                                         RoundEntry.person_id == person.id))


def test_freeze_check_page_shows_the_figures_and_changes_nothing(client, as_role, db,
                                                                  make_round, elders):
    clerk = as_role("staff")
    round_ = make_round(actor=clerk)
    page = client.get(f"/rounds/{round_.id}/freeze")
    text = text_of(page)
    assert page.status_code == 200
    assert "3 人" in text and "NT$16,500" in text
    assert "NT$1,500" in text and "NT$5,000" in text and "NT$10,000" in text
    assert clerk.display_name in text  # who prepared it
    assert f'action="/rounds/{round_.id}/freeze"' in text
    assert db.session.get(Round, round_.id).status == "draft"
    assert db.session.scalar(sa.select(sa.func.count(RoundEntry.id))) == 0
    response = client.post(f"/rounds/{round_.id}/freeze")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).status == "frozen"
    assert db.session.scalar(sa.select(sa.func.count(RoundEntry.id))) == 3
    # once frozen, the check page sends the clerk back to the round
    assert client.get(f"/rounds/{round_.id}/freeze").status_code == 302


def test_freeze_check_lists_near_misses(client, as_role, make_round, make_person, elders):
    round_ = make_round()
    cutoff = round_.rules.born_by["general"]
    near = make_person(birth_date=date(cutoff.year + 1, 1, 3), name="差一點")
    as_role("staff")
    text = text_of(client.get(f"/rounds/{round_.id}/freeze"))
    assert near.name in text and "差一點" in text


def test_approve_check_page_and_four_eyes(client, as_role, db, make_round, make_user,
                                          elders):
    round_ = make_round(status="frozen")
    # someone on the roster dies after the freeze: the check page says so
    elders["ninety"].status, elders["ninety"].status_date = "deceased", date.today()
    db.session.flush()
    as_role("supervisor")
    page = client.get(f"/rounds/{round_.id}/approve")
    text = text_of(page)
    assert page.status_code == 200
    assert "3 人" in text and "NT$16,500" in text
    assert elders["ninety"].name in text and "死亡" in text
    assert round_.frozen_by.display_name in text
    assert db.session.get(Round, round_.id).status == "frozen"
    assert client.post(f"/rounds/{round_.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).status == "approved"


def test_approve_check_page_refuses_the_button_to_the_preparer(client, as_role, db,
                                                               make_round, elders):
    boss = as_role("supervisor")
    round_ = make_round(actor=boss, status="frozen")
    text = text_of(client.get(f"/rounds/{round_.id}/approve"))
    assert f'action="/rounds/{round_.id}/approve"' not in text
    assert "須由其他主管核定" in text


def test_staff_cannot_open_the_approval_check_page(client, as_role, make_round, elders):
    round_ = make_round(status="frozen")
    as_role("staff")
    assert client.get(f"/rounds/{round_.id}/approve").status_code == 403


def test_supplementary_list_check_page(client, as_role, db, approved_round, make_person,
                                       make_user):
    newcomer = make_person(birth_date=date(1931, 2, 2), name="補發者")
    clerk = make_user("staff")
    batch = services.add_supplementary(approved_round, [newcomer.id], actor=clerk)
    as_role("supervisor")
    path = f"/rounds/{approved_round.id}/batches/{batch.number}/approve"
    text = text_of(client.get(path))
    assert "1 人" in text and "NT$5,000" in text and clerk.display_name in text
    assert db.session.get(RoundBatch, batch.id).approved_at is None
    assert client.post(path).status_code == 302
    db.session.expire_all()
    assert db.session.get(RoundBatch, batch.id).approved_at is not None


def test_close_check_page_counts_what_will_be_forfeited(client, as_role, db, approved_round,
                                                        elders, make_user):
    clerk = make_user("staff")
    paid = entry_of(db, approved_round, elders["ninety"])
    missed = entry_of(db, approved_round, elders["young_old"])
    payouts.record_payout(paid, "elder", actor=clerk)
    payouts.record_payout(missed, "not_found", actor=clerk)
    db.session.flush()
    as_role("staff")
    text = text_of(client.get(f"/rounds/{approved_round.id}/close"))
    # the 100-year-old (no outcome) and the 未遇 one are forfeited: 2 people, 11,500
    assert "2 人" in text and "NT$11,500" in text and "NT$5,000" in text
    assert db.session.get(Round, approved_round.id).status == "approved"


def test_reverse_check_page_then_reverse(client, as_role, db, approved_round, elders,
                                         make_user):
    entry = entry_of(db, approved_round, elders["ninety"])
    payout = payouts.record_payout(entry, "elder", actor=make_user("staff"))
    db.session.flush()
    as_role("staff")
    path = f"/rounds/{approved_round.id}/payouts/{payout.id}/reverse"
    page = client.get(path)
    text = text_of(page)
    assert page.status_code == 200 and entry.name in text and "NT$5,000" in text
    assert db.session.get(Payout, payout.id).reversed_at is None
    refused = client.post(path, data={"reason": ""})
    assert refused.status_code == 200 and "error-summary" in refused.data.decode()
    assert db.session.get(Payout, payout.id).reversed_at is None
    done = client.post(path, data={"reason": "發錯人"})
    assert done.status_code == 302
    db.session.expire_all()
    reversed_ = db.session.get(Payout, payout.id)
    assert reversed_.reversed_at is not None and reversed_.reversal_reason == "發錯人"
    assert client.get(path).status_code == 302  # nothing left to reverse


def test_a_village_limited_clerk_cannot_reverse_another_villages_payout(
        client, as_role, db, approved_round, elders, make_user, villages):
    entry = entry_of(db, approved_round, elders["ninety"])
    payout = payouts.record_payout(entry, "elder", actor=make_user("staff"))
    db.session.flush()
    as_role("staff", villages=[villages[1]])
    path = f"/rounds/{approved_round.id}/payouts/{payout.id}/reverse"
    assert client.get(path).status_code == 404
    assert client.post(path, data={"reason": "x"}).status_code == 404
    assert db.session.get(Payout, payout.id).reversed_at is None

