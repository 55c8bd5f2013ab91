"""A roster import dry run of a huge XLSX without a <dimension> tag: time and peak memory.

Writes an XLSX of N rows (default 1,000,000; valid-looking people, inline strings, no
<dimension>, written as raw XML so nothing is held in memory), then runs
`welfare.roster.importer.import_file(dry_run=True)` on it in a fresh process against an
in-memory SQLite database with the reference villages, and prints the wall time, the
outcome and the peak RSS of that process (resource.getrusage).

    .venv/bin/python bench/import_xlsx.py [--rows 1000000] [--file /tmp/x.xlsx]
        [--max-rows N]    # IMPORT_MAX_ROWS for the run (default: the app's setting)
"""

import argparse
import random
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="roster" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
HEADERS = ["身分證字號", "姓名", "出生日期", "里", "鄰", "地址", "性別", "電話"]


def _cells(values):
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


def write_xlsx(path, rows):
    """A workbook whose sheet has no <dimension>, streamed row by row."""
    from tests.data.roster_files import GIVEN, ROADS, SURNAMES, VILLAGES
    from welfare.core import idno

    rng = random.Random(7)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
            sheet.write(f"<row>{_cells(HEADERS)}</row>".encode())
            batch = []
            for _n in range(rows):
                sex = rng.choice("MF")
                batch.append("<row>" + _cells([
                    idno.generate(sex=sex, rng=rng),
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    f"{rng.randint(14, 94):03d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                    rng.choice(VILLAGES), rng.randint(1, 30),
                    f"{rng.choice(ROADS)}{rng.randint(1, 400)}號", "男" if sex == "M" else "女",
                    f"07-64{rng.randint(10000, 99999)}"]) + "</row>")
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode() + b"</sheetData></worksheet>")


def measure(path, max_rows):
    """Run in a fresh process: the dry run's time, outcome and this process's peak RSS."""
    from config import TestConfig
    from welfare import create_app
    from welfare.extensions import db
    from welfare.roster.importer import import_file
    from welfare.roster.reference import ensure_reference_data

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        IMPORT_MAX_ROWS = max_rows or TestConfig.IMPORT_MAX_ROWS

    app = create_app(BenchConfig)
    with app.app_context(), app.test_request_context("/?lang=en"):
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = import_file(path, dry_run=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"dry run: {seconds:.1f} s; rows judged {result.rows:,}, valid {result.valid:,}, "
          f"problems listed {len(result.errors):,} (+{result.errors_more:,} counted); "
          f"file error: {result.file_error or 'none'}")
    print(f"peak RSS: {peak / 1024:.0f} MB (app loaded, before the dry run: "
          f"{before / 1024:.0f} MB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", default="/tmp/welfare-import-1m.xlsx")
    parser.add_argument("--max-rows", type=int, default=0)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = Path(args.file)
    if args.measure:
        measure(path, args.max_rows)
        return
    if not path.exists():
        started = time.perf_counter()
        write_xlsx(path, args.rows)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows, no "
              f"<dimension>) in {time.perf_counter() - started:.0f} s")
    # A fresh process, so the peak RSS is the dry run's and not the writer's.
    subprocess.run([sys.executable, __file__, "--measure", "--file", str(path),
                    "--max-rows", str(args.max_rows)], check=True)


if __name__ == "__main__":
    main()
