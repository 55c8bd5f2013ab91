"""Registry feeds: one import for every kind of file the office receives (people, 戶政異動
changes, ...), the kind given or recognised from the column headings. Each kind is a module
with COLUMNS, REQUIRED, HEADER_KEYS and import_file(path, dry_run, actor, filename, commit,
on_progress) returning an importer.ImportResult."""

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from welfare.roster import importer
from welfare.roster.feeds import changes, elders, households, low_income
from welfare.roster.importer_read import ImportFileError, open_table
from welfare.uploads import setting


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    module: object

    @property
    def required(self):
        return [self.module.COLUMNS[k][0] for k in self.module.REQUIRED]

    @property
    def optional(self):
        return [a[0] for k, a in self.module.COLUMNS.items() if k not in self.module.REQUIRED]


# The kinds offered, in the order shown.
KINDS = {
    "people": Kind("people", _l("People (household register)"), importer),
    "changes": Kind("changes", _l("Household-registration changes (戶政異動)"), changes),
    "low-income": Kind("low-income", _l("Low-income certification list (低收入戶/中低收入戶 "
                                        "核定名冊)"), low_income),
    "households": Kind("households", _l("Households (戶籍)"), households),
    "elders": Kind("elders", _l("Isolated elders (獨居老人名冊)"), elders),
}
# Kinds that take end_missing (end what a full list no longer names: low-income statuses,
# household memberships).
END_MISSING_KINDS = ("low-income", "households")
HEADER_KEYS = set().union(*(k.module.HEADER_KEYS for k in KINDS.values()))


def recognise(headers):
    """The kind whose required columns the headings all name (the one naming the most columns
    when several do); else the kind they come closest to, so that its import can say which
    columns are missing; None when the headings name no column of any kind."""
    best, best_score = None, (False, 0, 0)
    for kind in KINDS.values():
        keys = {kind.module.HEADER_KEYS.get(importer.header_key(h)) for h in headers} - {None}
        required = set(kind.module.REQUIRED)
        score = (required <= keys, len(required & keys), len(keys))
        if score[1] and score > best_score:
            best, best_score = kind.code, score
    return best


def recognise_file(data, filename):
    """The kind of an uploaded file, or ImportFileError saying why it is not known."""
    table = open_table(data, filename, HEADER_KEYS)
    kind = recognise(table.headers)
    if kind is None:
        raise ImportFileError(_(
            "The column headings do not match any kind of file this import knows. Choose the "
            "kind of file, or name the columns as the templates do (e.g. 身分證字號, 姓名, "
            "出生日期, 里, 鄰, 地址 for people; 身分證字號, 異動類別, 異動日期 for changes; "
            "身分證字號, 類別, 核定起日, 核定迄日 for low-income lists; 戶號, 身分證字號 for "
            "households; 身分證字號, 照顧等級 for isolated elders)."))
    return kind


def _failed(path, options, message):
    result = importer.ImportResult(
        filename=options.get("filename") or Path(path).name,
        dry_run=options.get("dry_run", False), max_errors=setting("IMPORT_MAX_ERRORS"))
    result.file_error = message
    result.error(1, None, message)
    result.kind = None
    return result


def import_file(path, kind=None, end_missing=None, **options):
    """Import a file of the given kind, or of the kind its headings show. The result's
    `kind` attribute says which kind was used (None when the file could not be read).
    end_missing (a date) is for full lists (END_MISSING_KINDS) only."""
    if kind is None:
        try:
            kind = recognise_file(Path(path).read_bytes(), options.get("filename") or
                                  Path(path).name)
        except (ImportFileError, OSError) as exc:
            message = str(exc) if isinstance(exc, ImportFileError) else _(
                "The file could not be read: %(reason)s", reason=exc.strerror)
            result = importer.ImportResult(
                filename=options.get("filename") or Path(path).name,
                dry_run=options.get("dry_run", False), max_errors=setting("IMPORT_MAX_ERRORS"))
            result.file_error = message
            result.error(1, None, message)
            result.kind = None
            return result
    if end_missing is not None:
        if kind not in END_MISSING_KINDS:
            return _failed(path, options, _(
                "Ending what a full list no longer names works for low-income lists and "
                "household files only; this file is neither."))
        options["end_missing"] = end_missing
    result = KINDS[kind].module.import_file(path, **options)
    result.kind = kind
    return result
