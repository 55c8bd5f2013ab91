"""A payment reversed by a supervisor (check page, audit, paid again once; the database
keeps one effective payment), bank transfers through the bank's file and result file, and
causes and limits as data."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from tests.aid.test_views import _approved, _case, login
from welfare.aid.demo import ensure_causes
from welfare.aid.models import AidCase, AidCause, AidPayment, AidProgramme
from welfare.auth.models import AuditLog

COUNTER = {"method": "counter", "paid_on": "115/12/05", "confirmed": "y", "confirm": "1"}
BANK = {"method": "bank", "paid_on": "115/12/05", "confirmed": "y", "confirm": "1",
        "bank": "post_office", "account_number": "0001234-0012345"}


@pytest.fixture
def causes(db):
    ensure_causes()
    return {c.code: c for c in db.session.scalars(sa.select(AidCause))}


def _audit(action):
    return sa.select(AuditLog).where(AuditLog.action == action)


def test_a_supervisor_reverses_a_payment_and_the_case_is_paid_again(client, db, causes,
                                                                    make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss)
    login(client, staff)
    assert client.post(f"/aid/{case.id}/pay", data=COUNTER).status_code == 302
    first = db.session.scalars(sa.select(AidPayment)).one()
    # A clerk cannot reverse; the supervisor sees the check page first.
    assert client.get(f"/aid/{case.id}/payments/{first.id}/reverse").status_code == 403
    login(client, boss)
    check = client.get(f"/aid/{case.id}/payments/{first.id}/reverse")
    assert check.status_code == 200 and "撤銷撥付前確認" in check.text and "4,000" in check.text
    refused = client.post(f"/aid/{case.id}/payments/{first.id}/reverse", data={"reason": " "})
    assert refused.status_code == 400 and first.reversed_at is None
    done = client.post(f"/aid/{case.id}/payments/{first.id}/reverse",
                       data={"reason": "發給了同名的另一人", "recover": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    first, case = db.session.get(AidPayment, first.id), db.session.get(AidCase, case.id)
    assert (case.status, case.payment, first.reversal_reason, first.reversed_by_id) == \
        ("approved", None, "發給了同名的另一人", boss.id)
    log = db.session.scalars(_audit("aid_reverse")).one()
    assert (log.entity_id, log.before["amount"], log.village_id) == (first.id, 4000, village.id)
    page = client.get(f"/aid/{case.id}").text
    assert "已更正" in page and "發給了同名的另一人" in page
    # Reversing twice is refused; the case is paid again, once.
    again = client.get(f"/aid/{case.id}/payments/{first.id}/reverse")
    assert again.status_code == 302
    login(client, staff)
    assert client.post(f"/aid/{case.id}/pay", data=COUNTER).status_code == 302
    assert client.post(f"/aid/{case.id}/pay", data=COUNTER).status_code == 200
    db.session.expire_all()
    assert db.session.get(AidCase, case.id).status == "paid"
    assert db.session.scalar(sa.select(sa.func.count(AidPayment.id)).where(
        AidPayment.reversed_at.is_(None))) == 1


def test_the_database_keeps_one_effective_payment_per_case(db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss)

    def payment(**kw):
        return AidPayment(case_id=case.id, method="counter", amount=4000,
                          paid_on=date(2026, 12, 5), recorded_by_id=staff.id, **kw)

    db.session.add(payment(reversed_at=date(2026, 12, 5), reversed_by_id=boss.id,
                           reversal_reason="錯發"))
    db.session.add(payment())
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(payment())
        db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # no reason
        db.session.add(payment(reversed_at=date(2026, 12, 5), reversed_by_id=boss.id))
        db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():  # failed: reversed
        db.session.add(AidPayment(case_id=case.id, method="bank", amount=4000,
                                  paid_on=date(2026, 12, 5), recorded_by_id=staff.id,
                                  bank="post_office", account_number="1", bank_result="failed"))
        db.session.flush()


def _result_file(rows):
    return (io.BytesIO(("條碼,結果,日期,原因\n" + "\n".join(rows)).encode("utf-8-sig")),
            "result.csv")


def test_bank_file_and_result_file(client, db, causes, make_user, village, make_person):
    staff, boss = make_user("staff"), make_user("supervisor")
    person = make_person(name="黃阿嬌")
    ok = _approved(db, causes["disaster"], village, staff, boss, amount=6000,
                   person_id=person.id, applicant_id_number=person.id_number)
    bad = _approved(db, causes["disaster"], village, staff, boss, amount=3000)
    login(client, staff)
    for case in (ok, bad):
        assert client.post(f"/aid/{case.id}/pay", data=BANK).status_code == 302
    assert "待銀行回覆" in client.get("/aid?view=in_bank").text
    assert client.get("/aid?view=to_pay").text.count("/aid/") < 20  # not offered for paying
    lines = client.post("/aid/bank/post_office/batch").data.decode("utf-8-sig").splitlines()
    assert lines == ["seq,branch,account,id_number,name,amount",
                     f"1,0001234,0012345,{person.id_number},林阿花,6000",
                     "2,0001234,0012345,,林阿花,3000"]
    export = db.session.scalars(_audit("aid_bank_batch")).one()
    assert (export.entity_type, export.after["cases"]) == ("aid_bank_batches", [ok.id, bad.id])
    batch = f"/aid/bank/batches/{export.entity_id}"
    # A row the bank file does not have: nothing is recorded.
    wrong = client.post(batch, data={"file": _result_file(
        [f"A{ok.id},成功,115/12/07,", "A99999,成功,,"])}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and "A99999" in wrong.text
    db.session.expire_all()
    assert db.session.get(AidCase, ok.id).status == "approved"
    done = client.post(batch, data={"file": _result_file(
        [f"A{ok.id},成功,115/12/07,", f"A{bad.id},失敗,115/12/07,帳號不符"])},
        content_type="multipart/form-data")
    assert done.status_code == 302
    db.session.expire_all()
    ok, bad = db.session.get(AidCase, ok.id), db.session.get(AidCase, bad.id)
    assert (ok.status, ok.payment.bank_result, ok.payment.bank_result_on) == \
        ("paid", "paid", date(2026, 12, 7))
    assert (bad.status, bad.payment) == ("approved", None)
    failed = bad.payments[0]
    assert (failed.bank_result, failed.reversal_reason) == ("failed", "帳號不符")
    assert "帳號不符" in client.get(f"/aid/{bad.id}").text
    assert db.session.scalars(_audit("aid_bank_results")).one().after == {
        "batch": export.entity_id, "paid": 1, "failed": 1, "waiting": 0}
    # Failed: back to the cases to pay, and paid again at the counter.
    assert client.post(f"/aid/{bad.id}/pay", data=COUNTER).status_code == 302
    # The batch is reconciled; nothing waits for a new one.
    assert "已核對完畢" in client.get(batch).text
    assert client.post("/aid/bank/post_office/batch").status_code == 302


def test_causes_and_limits_are_data(client, db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    login(client, staff)
    assert client.get("/aid/causes").status_code == 403
    login(client, boss)
    page = client.get("/aid/causes")
    assert page.status_code == 200 and "災害" in page.text
    added = client.post("/aid/causes", data={"code": "funeral_low", "name_zh": "低收入戶喪葬",
                                             "name_en": "Funeral (low income)",
                                             "max_amount": 10000})
    assert added.status_code == 302
    cause = db.session.scalar(sa.select(AidCause).where(AidCause.code == "funeral_low"))
    again = client.post("/aid/causes", data={
        "code": "funeral_low", "name_zh": "災害（火災、風災、水災）", "name_en": "x",
        "max_amount": 1})
    assert again.status_code == 400 and "已有其他事由使用這個名稱" in again.text
    disaster = causes["disaster"]
    assert client.post(f"/aid/causes/{disaster.id}", data={
        "name_zh": "災害", "name_en": "Disaster", "max_amount": 3000}).status_code == 302
    db.session.expire_all()
    assert (disaster.name_zh, disaster.max_amount, disaster.active) == ("災害", 3000, False)
    edit = db.session.scalars(_audit("aid_cause_edit")).one()
    assert (edit.before["max_amount"], edit.after["max_amount"]) == (10000, 3000)
    assert db.session.scalars(_audit("aid_cause_add")).one().entity_id == cause.id
    assert client.post("/aid/limits", data={"household_year_max": "8000"}).status_code == 302
    assert db.session.get(AidProgramme, 1).household_year_max == 8000
    # Assessment over the cause's new limit, and over what the household has left.
    other = _approved(db, causes["other"], village, staff, boss, amount=5000,
                      applicant_id_number="A123456789")
    case = _case(db, causes["other"], village, staff, applicant_id_number="A123456789")
    login(client, staff)
    form = {"stated_income": 0, "stated_assets": 0, "visit_notes": "已家訪"}
    over = client.post(f"/aid/{case.id}/assess", data=form | {"proposed_amount": 4000})
    assert "每戶每年最多核發新臺幣 8,000 元，本年度尚可核發新臺幣 3,000 元" in over.text
    assert client.post(f"/aid/{case.id}/assess",
                       data=form | {"proposed_amount": 3000}).status_code == 302
    assert other.status == "approved"


def test_a_cause_out_of_use_is_not_offered(client, db, causes, make_user):
    boss = make_user("supervisor")
    login(client, boss)
    c = causes["income_loss"]
    client.post(f"/aid/causes/{c.id}", data={"name_zh": c.name_zh, "name_en": c.name_en,
                                             "max_amount": c.max_amount})
    login(client, make_user("staff"))
    assert c.name_zh not in client.get("/aid/new").text
