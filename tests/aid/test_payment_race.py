"""Racing clerks pay one approved case once and make one bank batch; racing supervisors decide
it once (PostgreSQL)."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, login
from welfare.aid.demo import ensure_causes
from welfare.aid.models import AidCase, AidCause, AidPayment
from welfare.auth.models import AuditLog, User
from welfare.geo.models import Village


def _user(name, role):
    user = User(username=name, role=role, display_name=name)
    user.set_password(PASSWORD)
    return user


def _race(app, users, path, data):
    clients = [app.test_client() for _ in users]
    for client, user in zip(clients, users, strict=True):
        login(client, user)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def send(client):
        barrier.wait()
        statuses.append(client.post(path, data=data).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


@pytest.mark.postgres
def test_racing_clerks_pay_a_case_once(app, committed_db):
    db = committed_db
    ensure_causes()
    clerks = [_user(f"race-clerk-{n}", "staff") for n in range(6)]
    boss = _user("race-boss", "supervisor")
    db.session.add_all([*clerks, boss])
    db.session.flush()
    cause = db.session.scalar(sa.select(AidCause).where(AidCause.code == "disaster"))
    village = db.session.scalar(sa.select(Village))
    case = AidCase(applicant_name="林阿花", village_id=village.id, cause_id=cause.id,
                   what_happened="火災", happened_on=date(2026, 12, 1),
                   applied_on=date(2026, 12, 1), created_by_id=clerks[0].id, status="approved",
                   proposed_amount=6000, assessed_by_id=clerks[0].id, decided_by_id=boss.id,
                   decided_on=date(2026, 12, 2), approved_amount=6000)
    db.session.add(case)
    db.session.commit()
    statuses = _race(app, clerks, f"/aid/{case.id}/pay",
                     {"method": "counter", "paid_on": "115/12/05", "confirmed": "y",
                      "confirm": "1"})
    # One is redirected to the case as paid; the others see the form again with the refusal.
    assert statuses == [200] * 5 + [302]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(AidPayment.id))) == 1
    assert db.session.get(AidCase, case.id).status == "paid"


@pytest.mark.postgres
def test_racing_supervisors_decide_a_case_once(app, committed_db):
    db = committed_db
    ensure_causes()
    clerk = _user("race-assessor", "staff")
    bosses = [_user(f"race-sup-{n}", "supervisor") for n in range(4)]
    db.session.add_all([clerk, *bosses])
    db.session.flush()
    cause = db.session.scalar(sa.select(AidCause).where(AidCause.code == "disaster"))
    village = db.session.scalar(sa.select(Village))
    case = AidCase(applicant_name="林阿花", village_id=village.id, cause_id=cause.id,
                   what_happened="火災", happened_on=date(2026, 12, 1),
                   applied_on=date(2026, 12, 1), created_by_id=clerk.id, status="assessed",
                   proposed_amount=6000, assessed_by_id=clerk.id)
    db.session.add(case)
    db.session.commit()
    statuses = _race(app, bosses, f"/aid/{case.id}/decide",
                     {"decision": "approve", "approved_amount": "6000",
                      "decided_on": "115/12/03", "confirm": "1"})
    assert statuses == [200] * 3 + [302]
    db.session.expire_all()
    assert db.session.get(AidCase, case.id).status == "approved"


def _paid_case(db, clerk, boss):
    ensure_causes()
    cause = db.session.scalar(sa.select(AidCause).where(AidCause.code == "disaster"))
    village = db.session.scalar(sa.select(Village))
    case = AidCase(applicant_name="林阿花", village_id=village.id, cause_id=cause.id,
                   what_happened="火災", happened_on=date(2026, 12, 1),
                   applied_on=date(2026, 12, 1), created_by_id=clerk.id, status="paid",
                   proposed_amount=6000, assessed_by_id=clerk.id, decided_by_id=boss.id,
                   decided_on=date(2026, 12, 2), approved_amount=6000)
    db.session.add(case)
    db.session.flush()
    payment = AidPayment(case_id=case.id, method="counter", amount=6000,
                         paid_on=date(2026, 12, 3), recorded_by_id=clerk.id)
    db.session.add(payment)
    db.session.commit()
    return case, payment


def _consistent(db, case_id):
    """At most one effective payment, and the case is paid exactly when one is settled."""
    db.session.expire_all()
    effective = db.session.scalars(sa.select(AidPayment).where(
        AidPayment.case_id == case_id, AidPayment.reversed_at.is_(None))).all()
    assert len(effective) <= 1
    assert (db.session.get(AidCase, case_id).status == "paid") is bool(
        effective and effective[0].settled)
    return effective


@pytest.mark.postgres
def test_racing_supervisors_reverse_a_payment_once(app, committed_db):
    db = committed_db
    clerk = _user("race-rev-clerk", "staff")
    bosses = [_user(f"race-rev-{n}", "supervisor") for n in range(4)]
    db.session.add_all([clerk, *bosses])
    db.session.flush()
    case, payment = _paid_case(db, clerk, bosses[0])
    statuses = _race(app, bosses, f"/aid/{case.id}/payments/{payment.id}/reverse",
                     {"reason": "發錯人", "recover": "no"})
    # One reverses; the others are refused (the form again, or sent back to the case).
    assert statuses.count(302) >= 1
    assert _consistent(db, case.id) == []
    assert db.session.get(AidCase, case.id).status == "approved"
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "aid_reverse")) == 1


@pytest.mark.postgres
def test_a_reversal_racing_payments_leaves_one_effective_payment(app, committed_db):
    db = committed_db
    clerks = [_user(f"race-rp-clerk-{n}", "staff") for n in range(3)]
    boss = _user("race-rp-boss", "supervisor")
    db.session.add_all([*clerks, boss])
    db.session.flush()
    for round_ in range(3):
        case, payment = _paid_case(db, clerks[0], boss)
        users = [boss, *clerks]
        clients = [app.test_client() for _ in users]
        for client, user in zip(clients, users, strict=True):
            login(client, user)
        barrier = threading.Barrier(len(clients))

        def send(client, path, data, barrier=barrier):
            barrier.wait()
            client.post(path, data=data)

        jobs = [(clients[0], f"/aid/{case.id}/payments/{payment.id}/reverse",
                 {"reason": f"重發 {round_}", "recover": "no"})] + [
            (c, f"/aid/{case.id}/pay", {"method": "counter", "paid_on": "115/12/05",
                                        "confirmed": "y", "confirm": "1"})
            for c in clients[1:]]
        threads = [threading.Thread(target=send, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        _consistent(db, case.id)
        assert db.session.get(AidPayment, payment.id).reversed_at is not None


@pytest.mark.postgres
def test_two_clerks_downloading_at_once_make_one_batch(app, committed_db):
    from welfare.aid.models import AidBankBatch

    db = committed_db
    clerks = [_user(f"race-batch-{n}", "staff") for n in range(2)]
    boss = _user("race-batch-boss", "supervisor")
    db.session.add_all([*clerks, boss])
    db.session.flush()
    case, payment = _paid_case(db, clerks[0], boss)
    payment.method, payment.bank, payment.account_number = "bank", "post_office", "0001-0002"
    payment.bank_result, case.status = "pending", "approved"
    db.session.commit()
    clients = [app.test_client() for _ in clerks]
    for client, user in zip(clients, clerks, strict=True):
        login(client, user)
    barrier = threading.Barrier(2)
    files = []

    def download(client):
        barrier.wait()
        files.append(client.post("/aid/bank/post_office/batch").data)

    threads = [threading.Thread(target=download, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    batches = db.session.scalars(sa.select(AidBankBatch)).all()
    assert len(batches) == 1
    assert db.session.get(AidPayment, payment.id).batch_id == batches[0].id
    # Both clerks got the same file: one made the batch, the other a copy of it.
    assert files[0] == files[1] and b"6000" in files[0]
    actions = sorted(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.action.in_(("aid_bank_batch", "aid_bank_copy")))))
    assert actions == ["aid_bank_batch", "aid_bank_copy"]
