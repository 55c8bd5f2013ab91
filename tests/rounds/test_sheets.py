"""印領清冊 PDFs: totals in figures and capitals, masked IDs, same content on reprint."""

import json
import subprocess

import sqlalchemy as sa

from welfare.core.money import capitals
from welfare.roster.models import Village
from welfare.rounds import sheets
from welfare.rounds.cli import rounds_cli


def pdf_text(tmp_path, data, name="sheet.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_sheet_totals_codes_and_masking(app, db, approved_round, elders, tmp_path):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    with app.test_request_context():
        sheet = sheets.village_sheet(approved_round, village)
        text = pdf_text(tmp_path, sheets.render_sheet(sheet))
    assert "共計 3 人" in text and "16,500" in text and capitals(16500) in text
    assert "壹萬陸仟伍佰" in text
    assert "本頁小計 3 人" in text
    assert "承辦人" in text and "區長" in text
    assert elders["ninety"].id_number not in text
    assert elders["ninety"].id_number[:6] in text
    # 鄰 1 comes before 鄰 2; within 鄰 1, 東林西路3號 before 5號
    order = [text.index(elders[k].name) for k in ("hundred", "ninety", "young_old")]
    assert order == sorted(order)
    tokens = [r["token"] for r in sheet["rows"]]
    assert all(t in text for t in tokens)


def test_reprint_is_identical(app, db, approved_round, elders, tmp_path):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    with app.test_request_context():
        first = pdf_text(tmp_path, sheets.render_sheet(sheets.village_sheet(approved_round,
                                                                            village)), "a.pdf")
        elders["ninety"].name = "改了名字"
        db.session.flush()
        again = pdf_text(tmp_path, sheets.render_sheet(sheets.village_sheet(approved_round,
                                                                            village)), "b.pdf")
    assert first == again and "改了名字" not in again


def test_paging_subtotals():
    rows = [{"amount": 1500}] * 23
    pages = sheets.paginate(rows, 10)
    assert [(p["people"], p["amount"]) for p in pages] == [(10, 15000), (10, 15000),
                                                            (3, 4500)]


def test_cli_show_and_print(app, db, approved_round, elders, tmp_path):
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(rounds_cli, ["list", "--json"]).output)
    assert {"id": approved_round.id, "name": approved_round.name,
            "status": "approved"}.items() <= listed[0].items()
    shown = json.loads(runner.invoke(rounds_cli, ["show", str(approved_round.id),
                                                  "--json"]).output)
    assert shown["people"] == 3 and shown["amount"] == 16500
    code = shown["villages"][0]["code"]
    result = runner.invoke(rounds_cli, ["print", str(approved_round.id), "--out",
                                        str(tmp_path / "out"), "--village", code,
                                        "--workers", "1"])
    assert result.exit_code == 0, result.output
    [pdf] = list((tmp_path / "out").glob("*.pdf"))
    assert "共計 3 人" in pdf_text(tmp_path, pdf.read_bytes())


def test_fast_qr_codes_match_segno():
    import random

    import segno

    from welfare.rounds.sheet_codes import fits, qr_matrix

    rng = random.Random(7)
    tokens = ["".join(rng.choice("0123456789ABCDEF") for _ in range(12)) for _ in range(300)]
    tokens += ["A", "ZZ", "HELLO WORLD", "$%*+-./: 0AZ", "ABCDEFGHIJKLMNOP"]
    for token in tokens:
        assert fits(token)
        code = segno.make(token, error="q", micro=False, mask=0, boost_error=False,
                          mode="alphanumeric")
        assert code.version == 1
        assert qr_matrix(token) == [[int(bool(v)) for v in row] for row in code.matrix], token
    # Anything else falls back to segno.
    assert not fits("lower case")
    assert len(qr_matrix("lower case")) == 21
