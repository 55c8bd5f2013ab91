"""Roster import files for tests and benchmarks, written on demand (CSV in any encoding, XLSX)."""

import csv
import random
from datetime import date

from openpyxl import Workbook

from welfare.core import idno

HEADERS_ZH = ["身分證字號", "姓名", "出生日期", "里", "鄰", "地址", "性別", "電話"]
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = "淑美麗秀英玉珠金春月志明俊傑建國家豪文雄雅婷怡君宗翰冠宇"
ROADS = ["林園北路", "東林西路", "中厝路", "王公路", "忠孝西路", "沿海路一段", "鳳林路二段",
         "林內路", "中門路", "溪州路"]
VILLAGES = ["東林里", "林園里", "溪州里", "潭頭里", "中厝里", "中門里", "頂厝里", "港埔里"]


def person_rows(n, seed=1):
    """n distinct, valid rows in the Chinese column order of HEADERS_ZH."""
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < n:
        sex = rng.choice("MF")
        number = idno.generate(sex=sex, rng=rng)
        if number in seen:
            continue
        seen.add(number)
        birth = date(rng.randint(1925, 2005), rng.randint(1, 12), rng.randint(1, 28))
        rows.append([
            number,
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            f"{birth.year - 1911:03d}{birth.month:02d}{birth.day:02d}",
            rng.choice(VILLAGES), str(rng.randint(1, 30)),
            f"{rng.choice(ROADS)}{rng.randint(1, 400)}號", "男" if sex == "M" else "女",
            f"07-64{rng.randint(10000, 99999)}",
        ])
    return rows


def write_csv(path, rows, headers=HEADERS_ZH, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, headers=HEADERS_ZH, title_rows=()):
    book = Workbook()
    sheet = book.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    target = sys.argv[2] if len(sys.argv) > 2 else f"/tmp/roster-{count}.csv"
    write_csv(target, person_rows(count))
    print(target)
