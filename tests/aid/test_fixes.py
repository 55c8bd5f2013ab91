"""Emergency aid's mended weak points: four eyes on a reversal and money to recover, bank
batches (the same file again, reconciled against its batch), the yearly limit's message
outside the clerk's villages, the office's holidays as data, and overdue work first."""

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tests.aid.test_payments import BANK, COUNTER, _audit
from tests.aid.test_views import _approved, _case, login
from welfare.aid.demo import ensure_causes
from welfare.aid.models import AidBankBatch, AidCase, AidCause, AidPayment, AidProgramme
from welfare.auth import holidays as office_calendar
from welfare.auth.models import OfficeHoliday


@pytest.fixture
def causes(db):
    ensure_causes()
    return {c.code: c for c in db.session.scalars(sa.select(AidCause))}


def _paid(client, db, case, clerk):
    login(client, clerk)
    assert client.post(f"/aid/{case.id}/pay", data=COUNTER).status_code == 302
    return db.session.scalars(sa.select(AidPayment).where(AidPayment.case_id == case.id)).one()


def test_whoever_recorded_a_payment_does_not_reverse_it(client, db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss)
    payment = _paid(client, db, case, staff)
    staff.role = "supervisor"  # promoted since
    db.session.flush()
    login(client, staff)
    page = client.get(f"/aid/{case.id}/payments/{payment.id}/reverse", follow_redirects=True)
    assert "您登錄了這筆撥付，須由另一位主管撤銷" in page.text
    refused = client.post(f"/aid/{case.id}/payments/{payment.id}/reverse",
                          data={"reason": "錯發", "recover": "no"})
    assert refused.status_code == 302 and payment.reversed_at is None
    # The database refuses it too, whatever the code does.
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(AidPayment).where(AidPayment.id == payment.id).values(
            reversed_at=datetime(2026, 12, 5), reversed_by_id=staff.id, reversal_reason="x"))
    # The supervisor who decided the case may reverse: it corrects the handing over.
    login(client, boss)
    assert client.post(f"/aid/{case.id}/payments/{payment.id}/reverse",
                       data={"reason": "錯發", "recover": "no"}).status_code == 302


def test_money_to_recover_is_listed_until_it_comes_back(client, db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss)
    payment = _paid(client, db, case, staff)
    login(client, boss)
    path = f"/aid/{case.id}/payments/{payment.id}/reverse"
    unsaid = client.post(path, data={"reason": "發給了同名的另一人"})
    assert unsaid.status_code == 400 and "請說明是否應追繳" in unsaid.text
    assert client.post(path, data={"reason": "發給了同名的另一人",
                                   "recover": "yes"}).status_code == 302
    db.session.expire_all()
    assert payment.to_recover and payment.owed
    assert db.session.scalars(_audit("aid_reverse")).one().after["to_recover"] is True
    listed = client.get("/aid?view=to_recover").text
    assert f"/aid/{case.id}" in listed and "應追繳" in listed
    login(client, staff)
    recover = f"/aid/{case.id}/payments/{payment.id}/recovered"
    check = client.get(recover)
    assert check.status_code == 200 and "登錄追回款項前確認" in check.text
    early = client.post(recover, data={"returned_on": "115/12/01", "note": ""})
    assert early.status_code == 400 and payment.recovered_on is None
    assert client.post(recover, data={"returned_on": "115/12/08",
                                      "note": "收據 0012"}).status_code == 302
    db.session.expire_all()
    assert (payment.recovered_on, payment.recovered_by_id, payment.owed) == \
        (date(2026, 12, 8), staff.id, False)
    assert db.session.scalars(_audit("aid_recovered")).one().entity_id == payment.id
    assert f"/aid/{case.id}\"" not in client.get("/aid?view=to_recover").text
    assert client.get(recover).status_code == 302  # recorded once


def test_the_database_keeps_recovery_and_batches_honest(db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss)

    def payment(**kw):
        return AidPayment(case_id=case.id, method="counter", amount=4000,
                          paid_on=date(2026, 12, 5), recorded_by_id=staff.id, **kw)

    for bad in (payment(to_recover=True),  # not reversed
                payment(reversed_at=datetime(2026, 12, 5), reversed_by_id=boss.id,
                        reversal_reason="x", recovered_on=date(2026, 12, 6),
                        recovered_by_id=staff.id),  # recovered, never owed
                payment(batch_id=None, reversed_at=datetime(2026, 12, 5),
                        reversed_by_id=staff.id, reversal_reason="x")):  # own reversal
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.add(bad)
            db.session.flush()
    batch = AidBankBatch(bank="post_office", created_by_id=staff.id)
    db.session.add(batch)
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # cash in a batch
        db.session.add(payment(batch_id=batch.id))
        db.session.flush()


def _result(rows):
    return (io.BytesIO(("條碼,結果,日期,原因\n" + "\n".join(rows)).encode("utf-8-sig")),
            "result.csv")


def test_a_download_makes_a_batch_and_again_gives_the_same(client, db, causes, make_user,
                                                           village):
    staff, boss = make_user("staff"), make_user("supervisor")
    first, second, later = (_approved(db, causes["disaster"], village, staff, boss,
                                      amount=1000 * n) for n in (1, 2, 3))
    login(client, staff)
    for case in (first, second):
        assert client.post(f"/aid/{case.id}/pay", data=BANK).status_code == 302
    made = client.post("/aid/bank/post_office/batch").data
    again = client.post("/aid/bank/post_office/batch").data
    assert made == again and made.count(b"\n") == 3
    batch = db.session.scalars(sa.select(AidBankBatch)).one()
    assert client.get(f"/aid/bank/batches/{batch.id}.csv").data == made
    assert db.session.scalars(_audit("aid_bank_batch")).one().after["copy"] is False
    assert len(db.session.scalars(_audit("aid_bank_copy")).all()) == 2
    # A transfer recorded after goes into the next batch; it cannot be reversed in a sent one.
    assert client.post(f"/aid/{later.id}/pay", data=BANK).status_code == 302
    assert client.post("/aid/bank/post_office/batch").data.count(b"\n") == 2
    assert db.session.scalar(sa.select(sa.func.count(AidBankBatch.id))) == 2
    sent = db.session.scalars(sa.select(AidPayment).where(AidPayment.case_id == first.id)).one()
    login(client, boss)
    page = client.get(f"/aid/{first.id}/payments/{sent.id}/reverse", follow_redirects=True)
    assert f"這筆轉帳在銀行批次 {batch.id}" in page.text
    # The result file is reconciled against its batch: another batch's transfer is refused.
    login(client, staff)
    path = f"/aid/bank/batches/{batch.id}"
    wrong = client.post(path, data={"file": _result([f"A{later.id},成功,,"])},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400 and f"A{later.id}" in wrong.text
    part = client.post(path, data={"file": _result([f"A{first.id},失敗,115/12/07,帳號不符"])},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "仍待銀行回覆 1 筆" in part.text
    db.session.expire_all()
    assert batch.reconciled_at is None and db.session.get(AidCase, first.id).status == "approved"
    client.post(path, data={"file": _result([f"A{second.id},成功,115/12/07,"])},
                content_type="multipart/form-data")
    db.session.expire_all()
    assert batch.reconciled_at is not None
    # The failed one waits to be paid again, and goes into a new batch.
    assert client.post(f"/aid/{first.id}/pay", data=BANK).status_code == 302
    third = client.post("/aid/bank/post_office/batch")
    newest = db.session.scalar(sa.select(sa.func.max(AidBankBatch.id)))
    assert third.data.count(b"\n") == 2 and f"batch-{newest}" in third.headers[
        "Content-Disposition"]
    assert db.session.scalar(sa.select(sa.func.count(AidBankBatch.id))) == 3


def test_the_yearly_limit_counts_every_village_and_tells_only_what_the_clerk_sees(
        client, db, causes, make_user, villages):
    mine, theirs = villages[0], villages[1]
    staff, boss = make_user("staff"), make_user("supervisor")
    clerk = make_user("staff", villages=[mine])
    db.session.add(AidProgramme(id=1, household_year_max=8000))
    _approved(db, causes["other"], theirs, staff, boss, amount=5000,
              applicant_id_number="A123456789")
    case = _case(db, causes["other"], mine, staff, applicant_id_number="A123456789")
    form = {"stated_income": 0, "stated_assets": 0, "visit_notes": "已家訪"}
    login(client, clerk)
    over = client.post(f"/aid/{case.id}/assess", data=form | {"proposed_amount": 4000})
    assert over.status_code in (200, 400) and "其他村里" in over.text
    assert "尚可核發新臺幣" not in over.text and "3,000" not in over.text
    assert client.post(f"/aid/{case.id}/assess",
                       data=form | {"proposed_amount": 3000}).status_code == 302
    # A colleague who sees every village is told what is left.
    other = _case(db, causes["other"], mine, staff, applicant_id_number="A123456789")
    login(client, staff)
    told = client.post(f"/aid/{other.id}/assess", data=form | {"proposed_amount": 4000})
    assert "本年度尚可核發新臺幣 3,000 元" in told.text


def test_holidays_are_data_the_admin_keeps(client, db, make_user):
    admin, staff = make_user("admin"), make_user("staff")
    login(client, staff)
    assert client.get("/holidays").status_code == 403
    login(client, admin)
    page = client.get("/holidays")
    assert page.status_code == 200 and "116年" in page.text
    assert client.post("/holidays", data={"day": "116/01/01", "name": "開國紀念日"}).status_code \
        == 302
    weekend = client.post("/holidays", data={"day": "116/01/02", "name": "x"})
    assert weekend.status_code == 400 and "星期六或星期日" in weekend.text
    twice = client.post("/holidays", data={"day": "2027-01-01", "name": "元旦"})
    assert twice.status_code == 400 and "已在" in twice.text
    holiday = db.session.scalars(sa.select(OfficeHoliday)).one()
    assert date(2027, 1, 1) in office_calendar.office_holidays()
    assert db.session.scalars(_audit("holiday_add")).one().after["name"] == "開國紀念日"
    assert client.post("/holidays/remove", data={"holiday_id": holiday.id}).status_code == 302
    assert db.session.scalars(_audit("holiday_remove")).one().before["day"] == "2027-01-01"
    assert office_calendar.office_holidays() == frozenset()
    assert office_calendar.seed() == 16 and office_calendar.seed() == 0


def test_overdue_aid_work_says_so_and_comes_first(app, db, causes, make_user, village):
    from welfare.aid.home import aid_work
    from welfare.auth import worklist

    staff, boss = make_user("staff"), make_user("supervisor")
    old = _case(db, causes["other"], village, staff)
    old.applied_on, old.happened_on = date(2026, 11, 2), date(2026, 11, 1)
    db.session.flush()
    with app.test_request_context():
        items = sorted(aid_work(staff, datetime(2026, 12, 5, 2)), key=worklist.sort_key)
    assess = next(i for i in items if i.link.endswith("view=open"))
    assert assess.urgency == worklist.OVERDUE and assess.deadline == date(2026, 11, 11)
    assert items[0].urgency == worklist.OVERDUE
    fresh = _case(db, causes["other"], village, staff)
    old.status = "refused"  # only a recent application is left
    old.decided_by_id, old.decided_on, old.refusal_reason = boss.id, date(2026, 11, 3), "x"
    old.assessed_by_id, old.proposed_amount = staff.id, 1000
    fresh.applied_on = date(2026, 12, 4)
    db.session.flush()
    with app.test_request_context():
        assess = next(i for i in aid_work(staff, datetime(2026, 12, 5, 2))
                      if i.link.endswith("view=open"))
    assert assess.urgency == worklist.ROUTINE and assess.deadline == date(2026, 12, 15)
