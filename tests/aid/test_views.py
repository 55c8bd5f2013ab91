"""An application through assessment, a four-eyes decision and one payment; the database
refuses a decision by the assessor and a second payment; village scope; history; letter."""

import subprocess
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import login as _login
from welfare.aid.demo import ensure_causes
from welfare.aid.models import AidCase, AidCause, AidPayment
from welfare.roster.history import person_events


@pytest.fixture
def causes(db):
    ensure_causes()
    return {c.code: c for c in db.session.scalars(sa.select(AidCause))}


def login(client, user):
    client.post("/logout")
    return _login(client, user)


def apply(client, cause, **fields):
    data = {"applicant_id_number": "", "applicant_name": "", "village_id": 0, "address": "",
            "household_size": 3, "contact": "0912345678", "cause_id": cause.id,
            "what_happened": "先生過世，喪葬費無力負擔。", "happened_on": "115/11/28",
            "applied_on": "115/12/01", "documents_seen": ["id_card", "death_certificate"],
            "referred_by": "village_chief", "referrer_name": "王里長"}
    data.update(fields)
    return client.post("/aid/new", data=data)


def _case(db, cause, village, staff, status="applied", **kw):
    case = AidCase(applicant_name="林阿花", village_id=village.id, cause_id=cause.id,
                   what_happened="火災", happened_on=date(2026, 12, 1),
                   applied_on=date(2026, 12, 1), created_by_id=staff.id, status=status, **kw)
    db.session.add(case)
    db.session.flush()
    return case


def test_application_to_payment(client, db, causes, make_user, make_person):
    person = make_person(name="陳阿土")
    staff, boss = make_user("staff"), make_user("supervisor")
    login(client, staff)
    response = apply(client, causes["earner_death"],
                     applicant_id_number=person.id_number.lower())
    assert response.status_code == 302
    case = db.session.scalars(sa.select(AidCase)).one()
    assert (case.person_id, case.village_id, case.applicant_name) == \
        (person.id, person.village_id, "陳阿土")
    assert case.documents_seen == ["death_certificate", "id_card"]
    over = client.post(f"/aid/{case.id}/assess", data={
        "stated_income": 12000, "stated_assets": 20000, "visit_notes": "已家訪",
        "proposed_amount": 10001})
    assert "10,000" in over.text and case.status == "applied"  # over the cause's limit
    client.post(f"/aid/{case.id}/assess", data={
        "stated_income": 12000, "stated_assets": 20000, "visit_notes": "已家訪",
        "proposed_amount": 8000})
    db.session.refresh(case)
    assert case.status == "assessed" and case.assessed_by_id == staff.id
    login(client, boss)
    decision = {"decision": "approve", "approved_amount": 8000, "refusal_reason": "",
                "decided_on": "115/12/03"}
    check = client.post(f"/aid/{case.id}/decide", data=decision)
    assert check.status_code == 200 and "確認" in check.text
    db.session.refresh(case)
    assert case.status == "assessed"  # the check page changes nothing
    confirmed = client.post(f"/aid/{case.id}/decide", data=decision | {"confirm": "1"})
    assert confirmed.status_code == 302
    db.session.refresh(case)
    assert (case.status, case.approved_amount, case.decided_by_id) == ("approved", 8000, boss.id)
    login(client, staff)
    pay = {"method": "counter", "paid_on": "115/12/05", "confirmed": "y"}
    assert client.post(f"/aid/{case.id}/pay", data=pay).status_code == 200  # check page
    assert client.post(f"/aid/{case.id}/pay", data=pay | {"confirm": "1"}).status_code == 302
    again = client.post(f"/aid/{case.id}/pay", data=pay | {"confirm": "1"}, follow_redirects=True)
    assert "已" in again.text
    assert db.session.scalar(sa.select(sa.func.count(AidPayment.id))) == 1
    db.session.refresh(case)
    assert case.status == "paid" and case.payment.amount == 8000
    events = [e for e in person_events(person, staff) if e.kind == "aid"]
    assert len(events) == 1 and events[0].extra == {"status": "paid", "amount": 8000}
    assert "急難救助：主要生計者死亡（已發放）" in client.get(f"/people/{person.id}").text


def test_refusal_needs_a_reason_and_the_letter_says_why(client, db, causes, make_user, village,
                                                        tmp_path):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _case(db, causes["other"], village, staff, status="assessed", proposed_amount=3000,
                 assessed_by_id=staff.id, address="林園北路1號")
    login(client, boss)
    no_reason = {"decision": "refuse", "approved_amount": "", "refusal_reason": "",
                 "decided_on": "115/12/03", "confirm": "1"}
    page = client.post(f"/aid/{case.id}/decide", data=no_reason)
    assert page.status_code == 200 and "理由" in page.text
    client.post(f"/aid/{case.id}/decide", data=no_reason | {"refusal_reason": "存款超過標準"})
    db.session.refresh(case)
    assert case.status == "refused"
    pdf = client.get(f"/aid/{case.id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "letter.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "不予核定" in text and "存款超過標準" in text and "訴願" in text
    assert "115年12月3日" in text


def test_the_assessor_cannot_decide(client, db, causes, make_user, village):
    boss = make_user("supervisor")
    case = _case(db, causes["disaster"], village, boss, status="assessed", proposed_amount=3000,
                 assessed_by_id=boss.id)
    login(client, boss)
    page = client.post(f"/aid/{case.id}/decide", data={
        "decision": "approve", "approved_amount": 3000, "decided_on": "115/12/03",
        "confirm": "1"})
    assert page.status_code == 200 and "本案由您評估，須由另一位主管核定" in page.text
    db.session.refresh(case)
    assert case.status == "assessed"


def test_database_enforces_four_eyes_and_one_payment(db, causes, make_user, village):
    boss = make_user("supervisor")
    case = _case(db, causes["disaster"], village, boss, status="assessed", proposed_amount=3000,
                 assessed_by_id=boss.id)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(AidCase).where(AidCase.id == case.id).values(
            status="approved", decided_by_id=boss.id, decided_on=date(2026, 12, 2),
            approved_amount=3000))
    other = make_user("supervisor")
    db.session.execute(sa.update(AidCase).where(AidCase.id == case.id).values(
        status="approved", decided_by_id=other.id, decided_on=date(2026, 12, 2),
        approved_amount=3000))
    db.session.add(AidPayment(case_id=case.id, method="counter", amount=3000,
                              paid_on=date(2026, 12, 3), recorded_by_id=boss.id))
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(AidPayment(case_id=case.id, method="counter", amount=3000,
                                  paid_on=date(2026, 12, 3), recorded_by_id=boss.id))
        db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(AidCase).where(AidCase.id == case.id).values(
            status="refused", refusal_reason=""))


def test_a_clerk_sees_only_their_villages(client, db, causes, make_user, villages, as_role):
    staff = make_user("staff")
    mine, theirs = villages[0], villages[1]
    ours = _case(db, causes["disaster"], mine, staff)
    other = _case(db, causes["disaster"], theirs, staff)
    other.applicant_name = "他里人"
    db.session.flush()
    as_role("staff", villages=[mine])
    listing = client.get("/aid?view=all").text
    assert f"/aid/{ours.id}" in listing and "他里人" not in listing
    assert client.get(f"/aid/{other.id}").status_code == 404
    assert client.get(f"/aid/{other.id}/pay").status_code == 404
    stats = client.get("/aid/statistics").text
    assert theirs.name_zh not in stats


def test_overdue_list_and_statistics(client, db, causes, make_user, village, as_role):
    staff = make_user("staff")
    old = _case(db, causes["disaster"], village, staff)
    old.applied_on = date(2026, 1, 5)
    old.happened_on = date(2026, 1, 1)
    db.session.flush()
    as_role("supervisor")
    page = client.get("/aid?view=overdue").text
    assert f"/aid/{old.id}" in page
    stats = client.get("/aid/statistics").text
    assert "災害" in stats
    home = client.get("/").text
    assert "急難救助申請逾 7 個工作日未核定" in home


def _approved(db, cause, village, staff, boss, amount=4000, **kw):
    return _case(db, cause, village, staff, status="approved", proposed_amount=amount,
                 assessed_by_id=staff.id, decided_by_id=boss.id, decided_on=date(2026, 12, 2),
                 approved_amount=amount, **kw)


def test_proxy_and_bank_payments_and_the_bank_file(client, db, causes, make_user, village):
    staff, boss = make_user("staff"), make_user("supervisor")
    by_proxy = _approved(db, causes["disaster"], village, staff, boss,
                         applicant_id_number="A123456789")
    by_bank = _approved(db, causes["disaster"], village, staff, boss, amount=6000)
    login(client, staff)
    proxy = {"method": "proxy", "paid_on": "115/12/05", "confirmed": "y", "confirm": "1",
             "proxy_name": "陳小明", "proxy_id_number": "a123456789",
             "proxy_relationship": "子"}
    page = client.post(f"/aid/{by_proxy.id}/pay", data=proxy)
    assert "代領人不得為申請人本人" in page.text and "印章" in page.text  # and the seal
    valid = proxy | {"proxy_id_number": "F131104093", "seal_checked": "y"}
    assert client.post(f"/aid/{by_proxy.id}/pay", data=valid).status_code == 302
    bank = {"method": "bank", "paid_on": "115/12/05", "confirmed": "y", "confirm": "1",
            "bank": "post_office", "account_number": "00012340012345"}
    assert client.post(f"/aid/{by_bank.id}/pay", data=bank).status_code == 302
    payments = {p.case_id: p for p in db.session.scalars(sa.select(AidPayment))}
    assert payments[by_proxy.id].proxy_id_number == "F131104093"
    assert (payments[by_bank.id].method, payments[by_bank.id].amount) == ("bank", 6000)
    # The transfer waits for the bank; the rounds' layout for the post office.
    assert (payments[by_bank.id].bank_result, by_bank.status) == ("pending", "approved")
    csv = client.post("/aid/bank/post_office/batch")
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "seq,branch,account,id_number,name,amount"
    assert lines[1:] == ["1,,00012340012345,,林阿花,6000"]


def test_command_line_lists_and_counts(app, db, causes, make_user, village):
    import json

    staff, boss = make_user("staff"), make_user("supervisor")
    _approved(db, causes["disaster"], village, staff, boss, amount=4000)
    old = _case(db, causes["other"], village, staff)
    old.applied_on, old.happened_on = date(2026, 1, 5), date(2026, 1, 1)
    db.session.flush()
    runner = app.test_cli_runner()
    overdue = json.loads(runner.invoke(args=["aid", "list", "--view", "overdue", "--json"]).output)
    assert [(r["id"], r["overdue"], r["cause"]) for r in overdue] == [(old.id, True, "other")]
    figures = json.loads(runner.invoke(args=["aid", "stats"]).output)
    assert (figures["cases"], figures["approved"], figures["approved_amount"]) == (2, 1, 4000)


def test_the_pay_form_offers_the_account_on_file(client, db, causes, make_user, make_person):
    from welfare.rounds.models import BankAccount

    person = make_person(name="黃阿嬌")
    db.session.add(BankAccount(person_id=person.id, bank="farmers_association",
                               account_number="98765432100", holder_name="黃阿嬌"))
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], person.village, staff, boss, person_id=person.id)
    login(client, staff)
    page = client.get(f"/aid/{case.id}/pay").text
    assert 'value="98765432100"' in page and 'selected value="farmers_association"' in page


def test_dashboard_figures_by_cause_and_village(app, db, causes, make_user, villages):
    from types import SimpleNamespace

    from welfare.reports import figures_aid
    from welfare.reports.dashboard import scope_for

    staff, boss = make_user("staff"), make_user("supervisor")
    mine, theirs = villages[0], villages[1]
    _approved(db, causes["disaster"], mine, staff, boss, amount=4000)
    refused = _case(db, causes["disaster"], mine, staff, status="refused", proposed_amount=3000,
                    assessed_by_id=staff.id, decided_by_id=boss.id,
                    decided_on=date(2026, 12, 2), refusal_reason="存款超過標準")
    _approved(db, causes["other"], theirs, staff, boss, amount=2000)
    early = _approved(db, causes["other"], mine, staff, boss, amount=1000)
    early.applied_on, early.happened_on = date(2025, 1, 5), date(2025, 1, 1)
    db.session.flush()
    with app.test_request_context():
        args = {"start": "2026-12", "end": "2026-12"}
        everywhere = scope_for(args, SimpleNamespace(is_authenticated=False), date(2026, 12, 5))
        rows = {r["cause"]: r for r in figures_aid.aid_causes(everywhere).rows}
        disaster = rows["災害（火災、風災、水災）"]
        assert (disaster["approved"], disaster["refused"], disaster["approved_share"]) == \
            (1, 1, 50.0)
        assert rows["其他重大變故"]["approved_amount"] == 2000  # the 2025 case is outside
        clerk = make_user("staff", villages=[mine])
        limited = scope_for(args, clerk, date(2026, 12, 5))
        figure = figures_aid.aid_villages(limited)
        assert [r["village_id"] for r in figure.rows] == [mine.id]
        assert figure.total["cases"] == 2 and refused.village_id == mine.id


def test_the_dashboard_shows_the_aid_figures(client, db, causes, make_user, village, as_role):
    staff, boss = make_user("staff"), make_user("supervisor")
    case = _approved(db, causes["disaster"], village, staff, boss, amount=4000)
    case.applied_on = case.happened_on = date.today()
    db.session.flush()
    as_role("supervisor")
    page = client.get("/reports").text
    assert "急難救助（依事由）" in page and "急難救助（依里別）" in page and "<svg" in page
    sheet = client.get("/reports/aid.xlsx")
    assert sheet.status_code == 200
