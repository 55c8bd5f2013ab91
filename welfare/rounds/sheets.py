"""印領清冊 and home-delivery notices as PDF: rows are paginated here so every page
carries its own subtotal (CSS cannot sum a page), and villages render in parallel."""

import io
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import current_app

from welfare.core import idno, rocdate
from welfare.core.money import capitals, capitals_dollars
from welfare.extensions import db
from welfare.roster.models import Village
from welfare.rounds import queries
from welfare.rounds import sheet_layout as layout

FESTIVAL_ZH = {"spring": "春節", "dragon_boat": "端午節", "double_ninth": "重陽節",
               "other": ""}
BANK_ZH = {"post_office": "郵局", "farmers_association": "農會"}
OFFICE = "高雄市林園區公所"


def rows_per_page():
    return int(current_app.config.get("ROUNDS_SHEET_ROWS", 10))


def sheet_rows(entries, full_ids=False):
    """Plain dicts for the print template (picklable for worker processes)."""
    keep = current_app.config.get("ID_MASK_KEEP", 6)
    char = current_app.config.get("ID_MASK_CHAR", "*")
    rows = []
    for number, entry in enumerate(entries, 1):
        remark = ""
        if entry.bank:
            remark = f"轉帳({BANK_ZH.get(entry.bank, entry.bank)})"
        elif entry.amount >= 10000:
            remark = "到府致送"
        rows.append({
            "no": number, "name": entry.name, "token": entry.token,
            "birth": rocdate.format_roc(entry.birth_date, "slash"),
            "id_number": entry.id_number if full_ids else idno.mask(entry.id_number, keep, char),
            "address": f"{entry.neighbourhood}鄰{entry.address}" if entry.neighbourhood
            else entry.address,
            "neighbourhood": entry.neighbourhood, "amount": entry.amount, "remark": remark,
        })
    return rows


def paginate(rows, per_page):
    """Fixed-size pages, each with its own subtotal."""
    pages = []
    for start in range(0, len(rows), per_page):
        chunk = rows[start:start + per_page]
        pages.append({"rows": chunk, "people": len(chunk),
                      "amount": sum(r["amount"] for r in chunk)})
    return pages or [{"rows": [], "people": 0, "amount": 0}]


def sheet_header(round_, village, neighbourhood=None, batch=0):
    year = rocdate.roc_year(rocdate.parse(f"{round_.year}-01-01"))
    title = f"{OFFICE} {year}年度{FESTIVAL_ZH.get(round_.festival, '')}敬老禮金印領清冊"
    if batch:
        title += f"（補發第{batch}批）"
    return {
        "title": title, "round_name": round_.name,
        "village": village.name_zh, "village_code": village.code,
        "neighbourhood": f"第{neighbourhood}鄰" if neighbourhood else "全里",
        "frozen_on": rocdate.format_roc(round_.frozen_at.date(), "words")
        if round_.frozen_at else "",
    }


def village_sheet(round_, village, neighbourhood=None, batch=0, full_ids=False):
    """Everything one village's sheet needs, as plain data."""
    rows = sheet_rows(queries.entries_for_sheet(round_.id, village.id, neighbourhood, batch),
                      full_ids)
    return {"header": sheet_header(round_, village, neighbourhood, batch), "rows": rows,
            "per_page": rows_per_page()}


def render_sheet(sheet):
    """PDF bytes for one sheet (needs an app context; no database)."""
    from welfare.pdf import render_pdf

    per_page = sheet["per_page"]
    pages = paginate(sheet["rows"], per_page)
    for page in pages:
        page["lines"] = [layout.row_text(_cells(row)) for row in page["rows"]]
        page["codes"], _size = layout.codes_png([r["token"] for r in page["rows"]], per_page)
        page["subtotal"] = layout.row_text({"address": f"本頁小計 {page['people']} 人",
                                            "amount": f"{page['amount']:,}"})
    total_amount = sum(r["amount"] for r in sheet["rows"])
    return render_pdf("print/round_sheet.html", header=sheet["header"], pages=pages,
                      per_page=per_page, layout=layout, grid=layout.grid_svg(per_page),
                      head_grid=layout.grid_svg(1), total_people=len(sheet["rows"]),
                      total_amount=total_amount, total_capitals=capitals(total_amount),
                      total_dollars=capitals_dollars(total_amount))


def _cells(row):
    return {"no": row["no"], "name": row["name"], "birth": row["birth"],
            "id_number": row["id_number"], "address": row["address"],
            "amount": f"{row['amount']:,}",
            "remark": f"{row['remark']}\n{row['token']}" if row["remark"] else f"\n{row['token']}"}


def sheet_filename(sheet):
    header = sheet["header"]
    suffix = "" if header["neighbourhood"] == "全里" else f"-{header['neighbourhood']}"
    return f"{header['village_code']}-{header['village']}{suffix}.pdf"


_worker_app = None


def _init_worker():
    global _worker_app
    from config import Config
    from welfare import create_app

    _worker_app = create_app(Config)


def _render_in_worker(sheet):
    with _worker_app.app_context():
        return sheet_filename(sheet), render_sheet(sheet)


def village_sheets(round_, village_code=None, neighbourhoods=False, batch=0, full_ids=False):
    """Plain-data sheets for every village (or one), optionally one per 鄰."""
    villages = [v for v in db.session.scalars(db.select(Village).order_by(Village.code))
                if village_code in (None, v.code)]
    sheets = []
    for village in villages:
        if not neighbourhoods:
            sheet = village_sheet(round_, village, None, batch, full_ids)
            if sheet["rows"]:
                sheets.append(sheet)
            continue
        entries = queries.entries_for_sheet(round_.id, village.id, None, batch)
        for n in sorted({e.neighbourhood for e in entries if e.neighbourhood}):
            sheets.append(village_sheet(round_, village, n, batch, full_ids))
    return sheets


def render_many(sheets, on_done=None, workers=None):
    """[(filename, pdf)] in sheet order; two or more sheets render in a process pool."""
    workers = workers or int(current_app.config.get("ROUNDS_PRINT_WORKERS", os.cpu_count() or 1))
    results = {}
    if workers <= 1 or len(sheets) <= 1:
        for index, sheet in enumerate(sheets):
            results[index] = (sheet_filename(sheet), render_sheet(sheet))
            if on_done:
                on_done(len(results), len(sheets))
    else:
        # Largest first keeps both workers busy to the end.
        order = sorted(range(len(sheets)), key=lambda i: -len(sheets[i]["rows"]))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker) as pool:
            futures = {pool.submit(_render_in_worker, sheets[i]): i for i in order}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done:
                    on_done(len(results), len(sheets))
    return [results[i] for i in range(len(sheets))]


def zip_files(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
