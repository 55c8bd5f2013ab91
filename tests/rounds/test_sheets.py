"""印領清冊 PDFs: totals in figures and capitals, masked IDs, same content on reprint, the
closing line's place, the web download, the print job and the worker pool."""

import io
import json
import subprocess
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.core.money import capitals
from welfare.geo.models import Village
from welfare.jobs.models import Job
from welfare.rounds import sheet_layout, sheets
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
        first = sheets.render_sheet(sheets.village_sheet(approved_round, village))
        elders["ninety"].name = "改了名字"
        db.session.flush()
        again = sheets.render_sheet(sheets.village_sheet(approved_round, village))
    # The frozen rows, and nothing that changes between prints.
    assert pdf_text(tmp_path, first, "a.pdf") == pdf_text(tmp_path, again, "b.pdf")
    assert "改了名字" not in pdf_text(tmp_path, again)


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


def test_row_codes_are_version_1_and_other_text_still_encodes():
    from welfare.rounds.sheet_codes import SIZE, qr_matrix

    matrix = qr_matrix("8C0A00001C94")
    assert len(matrix) == SIZE and all(len(row) == SIZE for row in matrix)
    # Finder pattern in the top-left corner: a dark 7x7 ring around a dark 3x3 centre.
    assert matrix[0][:7] == [1] * 7 and matrix[6][:7] == [1] * 7
    assert [matrix[r][0] for r in range(7)] == [1] * 7 and matrix[3][3] == 1
    assert matrix[1][1:6] == [0] * 5
    assert len(qr_matrix("lower case text that needs a bigger code")) > SIZE


def page_texts(tmp_path, data):
    return pdf_text(tmp_path, data).split("\f")[:-1]


def test_closing_gets_its_own_page_when_a_full_page_leaves_no_room(app, db, approved_round,
                                                                    tmp_path):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    with app.test_request_context():
        sheet = sheets.village_sheet(approved_round, village)
        sheet["per_page"] = 2
        two_pages = page_texts(tmp_path, sheets.render_sheet(sheet))
        assert sheet_layout.closing_fits(2) and not sheet_layout.closing_fits(11)
        sheet["per_page"] = 11
        own_page = page_texts(tmp_path, sheets.render_sheet(sheet))
    assert len(two_pages) == 2 and "共計 3 人" in two_pages[1]
    assert "第 2 頁，共 2 頁" in two_pages[1]
    assert "本頁小計 2 人" in two_pages[0] and "本頁小計 1 人" in two_pages[1]
    assert len(own_page) == 2 and "本頁小計 3 人" in own_page[0] and "共計" not in own_page[0]
    assert "共計 3 人" in own_page[1] and "第 2 頁，共 2 頁" in own_page[1]


def test_a_sheet_without_rows_still_prints(app, db, approved_round, villages, tmp_path):
    empty = villages[-1]
    with app.test_request_context():
        sheet = sheets.village_sheet(approved_round, empty)
        text = pdf_text(tmp_path, sheets.render_sheet(sheet))
    assert sheet["rows"] == [] and "共計 0 人" in text and capitals(0) in text


def test_web_download_of_one_village(client, as_role, db, approved_round, elders, tmp_path):
    as_role("staff")
    code = db.session.scalar(sa.select(Village.code).order_by(Village.code))
    response = client.get(f"/rounds/{approved_round.id}/sheets?village={code}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "共計 3 人" in pdf_text(tmp_path, response.data)


def test_print_job_zips_a_sheet_per_village(app, client, as_role, db, approved_round, elders,
                                            make_person, villages, tmp_path):
    as_role("staff")
    response = client.get(f"/rounds/{approved_round.id}/sheets?village=")
    assert response.status_code == 302
    job = db.session.scalar(sa.select(Job).order_by(Job.id.desc()))
    assert job.status == "done", job.message
    with app.app_context():
        from welfare.jobs.services import result_dir

        archive = zipfile.ZipFile(io.BytesIO((result_dir() / job.result_path).read_bytes()))
    [name] = archive.namelist()
    assert name.endswith(".pdf") and "共計 3 人" in pdf_text(tmp_path, archive.read(name))


def test_worker_processes_render_the_same_pdfs(app, db, approved_round, elders, tmp_path):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    with app.test_request_context():
        sheet = sheets.village_sheet(approved_round, village)
        alone = sheets.render_many([sheet, sheet], workers=1)
        pooled = sheets.render_many([sheet, sheet], workers=2)
    assert [name for name, _ in pooled] == [name for name, _ in alone]
    assert [pdf_text(tmp_path, data) for _, data in pooled] == [
        pdf_text(tmp_path, data) for _, data in alone]


def test_home_delivery_notices_two_to_a_page(client, as_role, db, make_round, make_person,
                                             elders, tmp_path):
    for day in (2, 3):  # three centenarians: the notices go to them only
        make_person(birth_date=date(1921, 4, day))
    approved_round = make_round(status="approved")
    as_role("staff")
    code = db.session.scalar(sa.select(Village.code).order_by(Village.code))
    response = client.get(f"/rounds/{approved_round.id}/notices/{code}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = page_texts(tmp_path, response.data)
    assert len(pages) == 2  # three notices
    assert pages[0].count("到府致送通知") == 2 and "第 1 頁，共 2 頁" in pages[0]


@pytest.mark.parametrize("rows", sheets.ROW_CHOICES)
def test_every_row_choice_fits_an_a4_page(rows):
    used = sheet_layout.HEADER_MM + sheet_layout.table_height_mm(rows) + sheet_layout.FOOT_MM
    assert used <= sheet_layout.PAGE_MM
    assert sheet_layout.line_mm(rows) >= 4  # two 9 pt lines per row stay legible


def test_the_clerk_chooses_rows_per_page(client, as_role, db, make_round, make_person,
                                         tmp_path):
    for n in range(23):
        make_person(birth_date=date(1940, 1, 1 + n), address=f"林園北路{n + 1}號")
    round_ = make_round(status="approved")
    code = db.session.scalar(sa.select(Village.code).order_by(Village.code))
    as_role("staff")
    page = client.get(f"/rounds/{round_.id}/sheets").data.decode()
    assert 'name="rows"' in page and '<option selected value="10">' in page
    for rows, count in ((10, 3), (20, 2)):
        response = client.get(f"/rounds/{round_.id}/sheets",
                              query_string={"village": code, "rows": rows})
        pages = page_texts(tmp_path, response.data)
        assert sum("本頁小計" in p for p in pages) == count, rows  # pages of rows
        assert "共計 23 人" in pages[-1]
