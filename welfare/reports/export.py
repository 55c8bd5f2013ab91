"""A dashboard table as an XLSX download, logged in the audit log (welfare.exports)."""

from flask import Response


def figure_table(figure):
    """(headers, rows) of a figure as shown on the page, total row last."""
    headers = [c.label for c in figure.columns]
    rows = [[row.get(c.key) for c in figure.columns] for row in figure.rows]
    if figure.total:
        rows.append([figure.total.get(c.key) for c in figure.columns])
    return headers, rows


def xlsx_response(figure, scope, actor):
    """The XLSX file of one figure; the caller commits the audit row."""
    from welfare import exports

    headers, rows = figure_table(figure)
    content = exports.to_xlsx(headers, rows, title=figure.key)
    exports.log_export(
        f"report_{figure.key}", len(figure.rows), "xlsx", actor,
        filters={"start": scope.period.start.isoformat(), "end": scope.period.end.isoformat(),
                 "villages": ",".join(str(v) for v in sorted(scope.village_ids or ())),
                 "round": scope.round_id},
    )
    filename = f"{figure.key}_{scope.period.start:%Y%m}-{scope.period.end:%Y%m}.xlsx"
    return Response(content, mimetype=exports.XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })
