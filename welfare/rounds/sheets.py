"""印領清冊 as PDF: the rows of a frozen round as plain data, paginated so that every page
carries its own subtotal, drawn by sheet_pdf."""

import io
import math
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import current_app

from welfare.core import idno, rocdate
from welfare.extensions import db
from welfare.roster.models import Village
from welfare.rounds import queries, sheet_fonts, sheet_pdf
from welfare.rounds.sheet_layout import paginate  # noqa: F401 (part of this module's API)

FESTIVAL_ZH = {"spring": "春節", "dragon_boat": "端午節", "double_ninth": "重陽節",
               "other": ""}
BANK_ZH = {"post_office": "郵局", "farmers_association": "農會"}
OFFICE = "高雄市林園區公所"
PARALLEL_ROWS = 40_000  # rows per worker process (one draws ~5,000 rows a second)


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


def fonts_for(sheets):
    """One subset of each sheet font holding every character of `sheets`."""
    texts = [sheet_pdf.sheet_texts(sheet) for sheet in sheets]
    return {key: sheet_fonts.EmbeddedFont(style, "".join(t[key] for t in texts))
            for key, style in (("R", "Regular"), ("B", "Bold"))}


def render_sheet(sheet, fonts=None):
    """PDF bytes for one sheet (no app, no database)."""
    return sheet_pdf.render(sheet, fonts or fonts_for([sheet]))


def sheet_filename(sheet):
    header = sheet["header"]
    suffix = "" if header["neighbourhood"] == "全里" else f"-{header['neighbourhood']}"
    return f"{header['village_code']}-{header['village']}{suffix}.pdf"


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
    """[(filename, pdf)] in sheet order, sharing one font subset. Sheets render in this
    process unless the run is big enough to pay for starting worker processes (~1 s each)."""
    fonts = fonts_for(sheets)
    workers = workers or int(current_app.config.get("ROUNDS_PRINT_WORKERS", os.cpu_count() or 1))
    rows = sum(len(sheet["rows"]) for sheet in sheets)
    workers = min(workers, len(sheets), math.ceil(rows / PARALLEL_ROWS))
    results = {}
    if workers <= 1:
        for index, sheet in enumerate(sheets):
            results[index] = (sheet_filename(sheet), render_sheet(sheet, fonts))
            if on_done:
                on_done(len(results), len(sheets))
        return [results[i] for i in range(len(sheets))]
    order = sorted(range(len(sheets)), key=lambda i: -len(sheets[i]["rows"]))  # largest first
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(fonts,)) as pool:
        futures = {pool.submit(_render_in_worker, sheets[i]): i for i in order}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_done:
                on_done(len(results), len(sheets))
    return [results[i] for i in range(len(sheets))]


_worker_fonts = None


def _init_worker(fonts):
    global _worker_fonts
    _worker_fonts = fonts


def _render_in_worker(sheet):
    return sheet_filename(sheet), render_sheet(sheet, _worker_fonts)


def zip_files(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
