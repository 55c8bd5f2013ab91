"""印領清冊 as PDF: rows are paginated here so every page carries its own subtotal (CSS
cannot sum a page). Several sheets render in a pool of processes: this process loads the rows
and renders each sheet's HTML (which needs the app), the workers draw the codes and run
WeasyPrint (which needs neither the app nor the database)."""

import io
import multiprocessing
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import current_app, render_template

from welfare.core import idno, rocdate
from welfare.core.money import capitals, capitals_dollars
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.pdf import html_to_pdf
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


def _cells(row):
    return {"no": row["no"], "name": row["name"], "birth": row["birth"],
            "id_number": row["id_number"], "address": row["address"],
            "amount": f"{row['amount']:,}", "remark": f"{row['remark']}\n{row['token']}"}


def prepare(sheet):
    """The picklable job for one sheet: file name, HTML, and each page's tokens (the
    workers draw the codes). Needs an app context; no database."""
    per_page = sheet["per_page"]
    pages = paginate(sheet["rows"], per_page)
    for number, page in enumerate(pages, 1):
        subtotal = layout.row_lines({"address": f"本頁小計 {page['people']} 人",
                                     "amount": f"{page['amount']:,}"})[0]
        page["text"] = layout.page_text([_cells(r) for r in page["rows"]], per_page, subtotal)
        page["codes"] = f"mem:codes-{number}.png" if page["rows"] else ""
    header = sheet["header"]
    meta = layout.spread((f"里別：{header['village']}（{header['neighbourhood']}）",
                          header["round_name"], f"名冊凍結日期：{header['frozen_on']}"),
                         int(layout.table_width_mm() / (layout.CELL_MM * 10 / layout.FONT_PT)))
    total_amount = sum(r["amount"] for r in sheet["rows"])
    html = render_template(
        "print/round_sheet.html", header=header, meta=meta, pages=pages, per_page=per_page,
        layout=layout, closing_page=not layout.closing_fits(per_page),
        total_people=len(sheet["rows"]), total_amount=total_amount,
        total_capitals=capitals(total_amount), total_dollars=capitals_dollars(total_amount))
    return {"name": sheet_filename(sheet), "html": html, "per_page": per_page,
            "base_url": current_app.static_folder,
            "codes": [[r["token"] for r in page["rows"]] for page in pages]}


def render_prepared(job):
    """PDF bytes for a prepared sheet (no app, no database: runs in worker processes)."""
    resources = {"table.svg": layout.table_svg(job["per_page"])}
    for number, tokens in enumerate(job["codes"], 1):
        if tokens:
            resources[f"codes-{number}.png"] = layout.codes_png(tokens, job["per_page"])
    return html_to_pdf(job["html"], job["base_url"], resources)


def render_sheet(sheet):
    """PDF bytes for one sheet (needs an app context; no database)."""
    return render_prepared(prepare(sheet))


def sheet_filename(sheet):
    header = sheet["header"]
    suffix = "" if header["neighbourhood"] == "全里" else f"-{header['neighbourhood']}"
    return f"{header['village_code']}-{header['village']}{suffix}.pdf"


def _render_job(job):
    return job["name"], render_prepared(job)


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
        return [results[i] for i in range(len(sheets))]
    # Largest first keeps every worker busy to the end; the workers start up while this
    # process renders the HTML of the sheets behind the first ones.
    order = sorted(range(len(sheets)), key=lambda i: -len(sheets[i]["rows"]))
    # A fork server with WeasyPrint loaded forks the workers: no second import of it (as with
    # "spawn"), and none of this process's database connections inherited (as with "fork").
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "welfare.pdf", "welfare.rounds.sheet_layout"])
    with ProcessPoolExecutor(min(workers, len(sheets)), mp_context=context) as pool:
        futures = {pool.submit(_render_job, prepare(sheets[i])): i for i in order}
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
