"""Roster import from household-registration exports: judge every row, then write the
valid ones in one transaction, matching people by ID number.

Errors name the field by its canonical key (id_number, name, birth_date, village,
neighbourhood, address, sex, phone, registered_on, indigenous); `ImportResult.headers`
maps each key to the column header as written in the file. Blank optional cells never
erase what is already on file."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.core import idno, rocdate
from welfare.core.text import strip_invisible
from welfare.extensions import db
from welfare.forms import phone_is_valid
from welfare.geo import atlas
from welfare.geo.models import Village
from welfare.roster import importer_write
from welfare.roster.importer_read import ImportFileError, header_key, is_blank, open_table
from welfare.roster.services import id_number_error
from welfare.uploads import setting

COLUMNS = {
    "id_number": ("身分證字號", "身份證字號", "身分證統一編號", "統一編號", "身分證號",
                  "pid", "id_number", "id number", "idno"),
    "name": ("姓名", "name"),
    "birth_date": ("出生日期", "生日", "出生年月日", "birthday", "birth_date", "date of birth"),
    "village": ("里", "里別", "村里", "里名", "village"),
    "neighbourhood": ("鄰", "鄰別", "neighborhood", "neighbourhood"),
    "address": ("地址", "戶籍地址", "住址", "address"),
    "sex": ("性別", "sex", "gender"),
    "phone": ("電話", "聯絡電話", "phone", "telephone"),
    "mobile": ("手機", "行動電話", "mobile"),
    "registered_on": ("設籍日期", "遷入日期", "registered_on", "registered on"),
    "indigenous": ("原住民", "原住民身分", "indigenous"),
}
REQUIRED = ("id_number", "name", "birth_date", "village", "neighbourhood", "address")
HEADER_KEYS = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
SEXES = {"男": "M", "m": "M", "male": "M", "1": "M", "女": "F", "f": "F", "female": "F", "2": "F"}
YES = {"是", "y", "yes", "1", "true", "t", "v", "原住民", "平地原住民", "山地原住民"}
NO = {"否", "n", "no", "0", "false", "f", "非原住民", "一般"}


@dataclass
class ImportResult:
    filename: str = ""
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    file_error: str | None = None
    headers: dict = field(default_factory=dict)
    valid_sample: list = field(default_factory=list)
    update_sample: list = field(default_factory=list)
    dry_run: bool = True
    # Problems beyond the first max_errors are counted, not listed.
    max_errors: int = 1000
    errors_more: int = 0
    # Statuses ended because a full list no longer names them (low-income, when asked).
    ended: int | None = None
    # Full household exports: [{"household_no", "names"}] of the members taken out, and when.
    removed: list = field(default_factory=list)
    ended_on: object = None

    def to_dict(self):
        data = {"rows": self.rows, "valid": self.valid, "created": self.created,
                "updated": self.updated, "errors": self.errors}
        if self.ended is not None:
            data["ended"] = self.ended
        if self.removed:
            data["removed"] = self.removed
        return data

    def error(self, row, key, message):
        if len(self.errors) < self.max_errors:
            self.errors.append({"row": row, "field": key, "message": message})
        else:
            self.errors_more += 1


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return strip_invisible(unicodedata.normalize("NFKC", str(value))).strip()


class VillageFinder:
    """Finds a village by code, Chinese name (with or without 里/村, after its county and
    town as registers write them: 高雄市林園區東林里, 高雄縣林園鄉東林村, 花蓮縣秀林鄉秀林村,
    宜蘭縣羅東鎮仁愛里) or English name. In a deployment of several districts a name that
    two of them share is resolved by the town the cell or the address names; `candidates`
    lists the villages when neither does."""

    def __init__(self, villages):
        self.by_key, self.by_id, self.seen = {}, {}, {}
        for v in villages:
            self.by_id[v.id] = v
            for name in {v.code, v.name_zh, v.name_en, v.name_en.removesuffix(" Village")}:
                ids = self.by_key.setdefault(self.key(name), [])
                if v.id not in ids:
                    ids.append(v.id)

    @staticmethod
    def key(text):
        text = _text(text).lower().replace("’", "'").replace("台", "臺")
        return re.sub(r"[\s'\-]|village|vil\.?$|[里村]$", "", text)

    def resolve(self, value, address=""):
        """(village id or None, the villages the name fits when it fits several)."""
        if value not in self.seen:  # a file names the same few villages over and over
            self.seen[value] = self._fitting(value)
        ids = self.seen[value]
        if len(ids) > 1:
            towns, _rest = split_town(address)
            ids = [i for i in ids if self._town(i) in towns] or ids
        if not ids:
            return None, []
        if len(ids) == 1:
            return ids[0], []
        return None, [self.by_id[i] for i in ids]

    def find(self, value, address=""):
        return self.resolve(value, address)[0]

    def _town(self, village_id):
        return self.by_id[village_id].code[:8]

    def _fitting(self, value):
        """The ids of every village the name fits, by itself or after its town."""
        ids = self.by_key.get(self.key(value))
        if not ids:
            towns, rest = split_town(value)
            ids = [i for i in self.by_key.get(self.key(rest), ()) if self._town(i) in towns]
        return ids


def several_villages(value, candidates):
    """Why a village name shared by districts was not taken, naming each candidate."""
    places = []
    for village in candidates:
        town = atlas.town(village.code[:8]) or {"county": "", "name": ""}
        places.append(f"{town['county']}{town['name']}{village.name_zh}（{village.code}）")
    return _("“%(value)s” is a village of several districts: %(places)s. Write the district "
             "before the village (e.g. %(example)s) or in the address.", value=value,
             places="、".join(places), example=places[0].split("（")[0])


OLD_COUNTIES = {"臺北縣": "新北市", "桃園縣": "桃園市", "臺中縣": "臺中市", "臺南縣": "臺南市",
                "高雄縣": "高雄市"}
TOWN_SUFFIXES = "區鄉鎮市"


@cache
def _towns_by_county():
    found = {}
    for town in atlas.towns():
        county = town["county"].replace("台", "臺")
        found.setdefault(county, []).append((town["name"].replace("台", "臺")[:-1], town["code"]))
    for county in found:
        found[county].sort(key=lambda t: -len(t[0]))  # 東區 after 東勢區
    return found


def split_town(text):
    """(town codes, the rest) when `text` starts with a town of the MOI map, as 林園區,
    林園鄉, 高雄縣林園鄉 or 832高雄市林園區 (any of 區, 鄉, 鎮, 市 after the town's name, for
    renamed towns); without its county a name may fit several towns (中正區). ((), text)
    when it names no town."""
    text = re.sub(r"^\d{3,6}", "", _text(text).replace("台", "臺"))
    towns_by_county = _towns_by_county()
    county = next((c for c in (*towns_by_county, *OLD_COUNTIES) if text.startswith(c)), None)
    rest = text[len(county):] if county else text
    county = OLD_COUNTIES.get(county, county)
    towns = towns_by_county[county] if county else sorted(
        (t for found in towns_by_county.values() for t in found), key=lambda t: -len(t[0]))
    codes, left = [], text
    for stem, code in towns:
        if codes and len(stem) < len(codes[0][0]):
            break
        if (rest.startswith(stem) and len(rest) > len(stem) + 1
                and rest[len(stem)] in TOWN_SUFFIXES):
            codes.append((stem, code))
            left = rest[len(stem) + 1:]
    return tuple(code for _stem, code in codes), left


FUTURE = {
    "birth_date": lambda: _("The date of birth cannot be in the future."),
    "registered_on": lambda: _("The registration date cannot be in the future."),
}
SPACES = re.compile(r"\s+")
NON_DIGITS = re.compile(r"\D")


def judge_id_number(raw):
    """(the normalised ID number, None) or (None, why it is refused); full-width, lower case
    and spaces are accepted. Every registry feed judges its ID column with this."""
    text = _text(raw)
    if idno.is_valid(text):
        return idno.normalise(text), None
    return None, id_number_error(text)


def parse_date(raw, empty_message, future_message=None, today=None):
    """(date, None) or (None, message) for a cell in any ROC or AD form rocdate reads;
    empty_message for a blank cell, future_message (when given) for a date after today."""
    try:
        value = rocdate.parse(raw)
    except rocdate.InvalidDate as exc:
        text = _text(raw)
        if exc.code == "empty":
            return None, empty_message
        if exc.code == "impossible":
            return None, _("%(value)s is not a real date; check the month and day.", value=text)
        return None, _("“%(value)s” is not a date; write it like 114/10/15, 1141015 or "
                       "2025-10-15.", value=text)
    if future_message is not None and value > (today or date.today()):
        return None, future_message
    return value, None


def _date(raw, key, today=None):
    """(date, message): a parsed date or why it was refused."""
    return parse_date(raw, _("Enter the date of birth."), FUTURE[key](), today)


def judge_row(cells, finder, allowed_villages, today=None):
    """(data, errors) for one row given as {key: raw cell}; errors are (key, message)."""
    data, errors = {}, []
    data["id_number"], message = judge_id_number(cells.get("id_number"))
    if message:
        errors.append(("id_number", message))
    name = SPACES.sub(" ", _text(cells.get("name")))
    if not name:
        errors.append(("name", _("Enter the name.")))
    elif len(name) > 60:
        errors.append(("name", _("The name is longer than 60 characters.")))
    data["name"] = name
    data["birth_date"], message = _date(cells.get("birth_date"), "birth_date", today)
    if message:
        errors.append(("birth_date", message))
    village_text = _text(cells.get("village"))
    village_id, candidates = finder.resolve(village_text, _text(cells.get("address")))
    if not village_text:
        errors.append(("village", _("Enter the village (里).")))
    elif candidates:
        errors.append(("village", several_villages(village_text, candidates)))
    elif village_id is None:
        errors.append(("village", _("“%(value)s” is not a village of the district.",
                                    value=village_text)))
    elif allowed_villages and village_id not in allowed_villages:
        errors.append(("village", _("You can only import people in your own villages.")))
    data["village_id"] = village_id
    lin = _text(cells.get("neighbourhood")).removesuffix("鄰")
    if lin:
        if lin.isdigit() and 1 <= int(lin) <= 99:
            data["neighbourhood"] = int(lin)
        else:
            errors.append(("neighbourhood",
                           _("The neighbourhood (鄰) must be a whole number from 1 to 99.")))
    address = _text(cells.get("address"))
    if len(address) > 200:
        errors.append(("address", _("The address is longer than 200 characters.")))
    elif address:
        data["address"] = address
    _optional_fields(cells, data, errors)
    return data, errors


def _optional_fields(cells, data, errors):
    sex = _text(cells.get("sex")).lower()
    if sex:
        if sex in SEXES:
            data["sex"] = SEXES[sex]
        else:
            errors.append(("sex", _("Write the sex as 男 or 女 (M or F).")))
    elif data.get("id_number"):
        data["derived_sex"] = idno.sex_of(data["id_number"])
        if data["derived_sex"] is None:
            errors.append(("sex", _("Enter the sex; this ID number does not show it.")))
    for key in ("mobile", "phone"):
        number = _text(cells.get(key))
        if isinstance(cells.get(key), int | float) and re.fullmatch(r"9\d{8}", number):
            number = "0" + number  # a spreadsheet dropped the leading zero of a mobile number
        if len(number) > 30:
            errors.append((key, _("The phone number is longer than 30 characters.")))
        elif number and not phone_is_valid(number):
            errors.append((key, _("%(number)s is not a phone number.", number=number)))
        elif number:
            digits = NON_DIGITS.sub("", number)
            is_mobile = key == "mobile" or (digits.startswith("09") and len(digits) == 10)
            data.setdefault("mobile" if is_mobile else "phone", number)
    if _text(cells.get("registered_on")):
        data["registered_on"], message = _date(cells.get("registered_on"), "registered_on")
        if message:
            errors.append(("registered_on", message))
    flag = _text(cells.get("indigenous")).lower()
    if flag in YES:
        data["indigenous"] = True
    elif flag in NO:
        data["indigenous"] = False
    elif flag:
        errors.append(("indigenous", _("Write 是 or 否 (Y or N) for indigenous status.")))


def map_headers(headers, header_keys=None):
    """{key: column index} and {key: header as written}; the first matching column wins.
    header_keys ({header_key: column key}) defaults to the people kind's."""
    header_keys = HEADER_KEYS if header_keys is None else header_keys
    index, written = {}, {}
    for position, header in enumerate(headers):
        key = header_keys.get(header_key(header))
        if key and key not in index:
            index[key], written[key] = position, header
    return index, written


def judge_table(table, result, allowed_villages=(), on_progress=None):
    """Valid rows as (row number, data); rejected rows go into result.errors.
    on_progress(rows judged, rows in the file) is called every 2,000 rows."""
    index, result.headers = map_headers(table.headers)
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in index]
    if missing:
        raise ImportFileError(
            _("The file has no column for: %(columns)s. The first row must name the columns, "
              "e.g. 身分證字號, 姓名, 出生日期, 里, 鄰, 地址.", columns="、".join(missing)))
    finder = VillageFinder(db.session.scalars(sa.select(Village)))
    seen, valid, today = {}, [], date.today()
    for count, (number, cells) in enumerate(table.rows, start=1):
        if on_progress is not None and count % 2000 == 0:
            on_progress(count, max(table.row_count or 0, count))
        if is_blank(cells):
            continue
        result.rows += 1
        raw = {k: (cells[i] if i < len(cells) else None) for k, i in index.items()}
        data, errors = judge_row(raw, finder, set(allowed_villages), today)
        number_id = data.get("id_number")
        if number_id in seen:
            errors.append(("id_number", _("This ID number already appears in row %(row)s; "
                                          "only that row is imported.", row=seen[number_id])))
        elif number_id:
            seen[number_id] = number
        for key, message in errors:
            result.error(number, key, message)
        if not errors:
            valid.append((number, data))
    if not result.rows:
        raise ImportFileError(_("The file has column headings but no rows to import."))
    return valid


def import_file(path, dry_run=False, actor=None, filename=None, commit=True, on_progress=None):
    """Judge a file and, unless a dry run, write its valid rows in one transaction.
    on_progress(rows judged, rows in the file) is called while judging."""
    path = Path(path)
    result = ImportResult(filename=filename or path.name, dry_run=dry_run,
                          max_errors=setting("IMPORT_MAX_ERRORS"))
    allowed = actor.village_ids if actor is not None else set()
    try:
        data = path.read_bytes()
    except OSError as exc:
        data = None
        result.file_error = _("The file could not be read: %(reason)s", reason=exc.strerror)
    try:
        if data is None:
            raise ImportFileError(result.file_error)
        table = open_table(data, result.filename, set(HEADER_KEYS))
        valid = judge_table(table, result, allowed, on_progress)
    except ImportFileError as exc:
        result.file_error = str(exc)
        result.errors, result.errors_more, result.rows = [], 0, 0
        result.error(1, None, result.file_error)
        return result
    plan = importer_write.plan(valid, result, allowed)
    if not dry_run:
        try:
            importer_write.write(plan, result, actor)
            if commit:
                db.session.commit()
        except Exception as exc:
            if not commit:  # the caller owns the transaction and undoes it
                raise
            db.session.rollback()
            if not _is_unique_violation(exc):
                raise
            # Another import (or a desk clerk) registered one of these people meanwhile.
            result.file_error = _("Some of these people were registered by someone else while "
                                  "the file was being saved, so nothing was saved. Import the "
                                  "file again.")
            result.created = result.updated = 0
            result.error(1, None, result.file_error)
    result.errors.sort(key=lambda e: e["row"])
    return result


def _is_unique_violation(exc):
    original = getattr(exc, "orig", exc)
    return type(original).__name__ == "UniqueViolation" or "UNIQUE constraint" in str(original)
