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
from welfare.rounds.rules import delivered_at_home

FESTIVAL_ZH = {"spring": "春節", "dragon_boat": "端午節", "double_ninth": "重陽節",
               "other": ""}
BANK_ZH = {"post_office": "郵局", "farmers_association": "農會"}


ROW_CHOICES = (10, 15, 20)


def rows_per_page(wanted=None):
    """The rows a page holds: the clerk's choice, else the office's setting."""
    if wanted in ROW_CHOICES:
        return wanted
    return int(current_app.config.get("ROUNDS_SHEET_ROWS", 10))


def sheet_rows(entries, full_ids=False, reference_date=None, goods=None):
    """Plain dicts for the print template (picklable for worker processes); a goods round
    (goods = its name and unit) counts quantities in "amount" and prints 米 2 包."""
    keep = current_app.config.get("ID_MASK_KEEP", 6)
    char = current_app.config.get("ID_MASK_CHAR", "*")
    rows = []
    for number, entry in enumerate(entries, 1):
        remark = ""
        if entry.bank:
            remark = f"轉帳({BANK_ZH.get(entry.bank, entry.bank)})"
        elif reference_date and delivered_at_home(entry.birth_date, reference_date, entry.bank):
            remark = "到府致送"
        address = (f"{entry.neighbourhood}鄰{entry.address}" if entry.neighbourhood
                   else entry.address)
        if entry.household_id:
            address = household_cell(address, entry)
        rows.append({
            "no": number, "name": entry.name, "token": entry.token,
            "birth": rocdate.format_roc(entry.birth_date, "slash"),
            "id_number": entry.id_number if full_ids else idno.mask(entry.id_number, keep, char),
            "address": address,
            "neighbourhood": entry.neighbourhood, "remark": remark,
            "amount": entry.amount if goods is None else entry.quantity,
            "pay": f"{entry.amount:,}" if goods is None
            else f"{goods[0]} {entry.quantity:,} {goods[1]}",
        })
    return rows


def household_cell(address, entry):
    """Two lines: the address, then the household's size and its other members."""
    cells = next(c for key, _h, c, _a in layout.COLUMNS if key == "address")
    others = [m["name"] for m in entry.members or () if m["person_id"] != entry.person_id]
    members = f"{entry.household_size}人" + (f"：{'、'.join(others)}" if others else "")
    return f"{layout.clip(address, cells)}\n{layout.clip(members, cells)}"


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
    office = current_app.config["OFFICE_NAME"]
    title = f"{office} {year}年度{FESTIVAL_ZH.get(round_.festival, '')}敬老禮金印領清冊"
    if round_.by_household or round_.pays_goods:
        title = f"{office} {round_.name}印領清冊"
    if batch:
        title += f"（補發第{batch}批）"
    word = village.name_zh[-1] if village.name_zh[-1:] in ("里", "村") else "里"
    return {
        "title": title, "round_name": round_.name,
        "village": village.name_zh, "village_code": village.code, "village_word": word,
        "neighbourhood": f"第{neighbourhood}鄰" if neighbourhood else f"全{word}",
        "frozen_on": rocdate.format_roc(round_.frozen_at.date(), "words")
        if round_.frozen_at else "",
        "unit": "戶" if round_.by_household else "人",
        "headings": (layout.HOUSEHOLD_HEADINGS if round_.by_household else {})
        | (layout.GOODS_HEADINGS if round_.pays_goods else {}) or None,
        "goods": [round_.goods_name, round_.goods_unit] if round_.pays_goods else None,
    }


def village_sheet(round_, village, neighbourhood=None, batch=0, full_ids=False,
                  per_page=None):
    """Everything one village's sheet needs, as plain data."""
    goods = (round_.goods_name, round_.goods_unit) if round_.pays_goods else None
    rows = sheet_rows(queries.entries_for_sheet(round_.id, village.id, neighbourhood, batch),
                      full_ids, round_.rules.reference_date, goods)
    return {"header": sheet_header(round_, village, neighbourhood, batch), "rows": rows,
            "per_page": rows_per_page(per_page)}


def _cells(row):
    return {"no": row["no"], "name": row["name"], "birth": row["birth"],
            "id_number": row["id_number"], "address": row["address"],
            "amount": row.get("pay", f"{row['amount']:,}"),
            "remark": f"{row['remark']}\n{row['token']}"}


def prepare(sheet):
    """The picklable job for one sheet: file name, HTML, and each page's tokens (the
    workers draw the codes). Needs an app context; no database."""
    per_page = sheet["per_page"]
    header = sheet["header"]
    unit = header.get("unit", "人")
    pages = paginate(sheet["rows"], per_page)
    goods = header.get("goods")
    for number, page in enumerate(pages, 1):
        counted = f"{page['amount']:,}" + (f" {goods[1]}" if goods else "")
        subtotal = layout.row_lines({"address": f"本頁小計 {page['people']} {unit}",
                                     "amount": counted})[0]
        page["text"] = layout.page_text([_cells(r) for r in page["rows"]], per_page, subtotal,
                                        header.get("headings"))
        page["codes"] = f"mem:codes-{number}.png" if page["rows"] else ""
    place = f"{header['village_word']}別：{header['village']}（{header['neighbourhood']}）"
    meta = layout.spread((place,
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
    whole = header["neighbourhood"] == f"全{header['village_word']}"
    suffix = "" if whole else f"-{header['neighbourhood']}"
    return f"{header['village_code']}-{header['village']}{suffix}.pdf"


def _render_job(job):
    return job["name"], render_prepared(job)


def village_sheets(round_, village_code=None, neighbourhoods=False, batch=0, full_ids=False,
                   per_page=None):
    """Plain-data sheets for every village (or one), optionally one per 鄰."""
    villages = [v for v in db.session.scalars(db.select(Village).order_by(Village.code))
                if village_code in (None, v.code)]
    sheets = []
    for village in villages:
        if not neighbourhoods:
            sheet = village_sheet(round_, village, None, batch, full_ids, per_page)
            if sheet["rows"]:
                sheets.append(sheet)
            continue
        entries = queries.entries_for_sheet(round_.id, village.id, None, batch)
        for n in sorted({e.neighbourhood for e in entries if e.neighbourhood}):
            sheets.append(village_sheet(round_, village, n, batch, full_ids, per_page))
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
    """One ZIP of [(name, data)]; the same files always give the same bytes (a fixed date
    on every entry, not the time of printing), so a print run again is identical."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o600 << 16  # as writestr(name, ...) gives
            archive.writestr(entry, data)
    return buffer.getvalue()
