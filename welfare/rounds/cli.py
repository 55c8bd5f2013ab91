"""`flask rounds list|show|print`: the same queries and sheets as the web pages."""

import json
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from welfare.extensions import db
from welfare.rounds import queries, sheets
from welfare.rounds.models import Round

rounds_cli = AppGroup("rounds", help="Elder-gift and household rounds.")


def _round(round_id):
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"no round {round_id}")
    return round_


@rounds_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_rounds(as_json):
    """Every round, newest first."""
    rows = [{"id": r.id, "name": r.name, "status": r.status, "year": r.year,
             "festival": r.festival, "unit": r.unit, "kind": r.kind} for r in queries.rounds()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['status']:<9} {row['year']}  {row['unit']:<9} "
                   f"{row['kind']:<5} {row['name']}")


@rounds_cli.command("show")
@click.argument("round_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(round_id, as_json):
    """Head-count and total (a goods round: the quantity of its goods), per village."""
    round_ = _round(round_id)
    data = queries.summary(round_)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    count = "households" if "households" in data else "people"
    if round_.pays_goods:
        click.echo(f"{data['name']} ({data['status']}): {data[count]} {count}, "
                   f"{round_.goods_text(data['quantity'])}")
        for v in data["villages"]:
            click.echo(f"  {v['code']} {v['name']:<6} {v[count]:>6} "
                       f"{round_.goods_text(v['quantity']):>12}")
        return
    click.echo(f"{data['name']} ({data['status']}): {data[count]} {count}, "
               f"NT${data['amount']:,}")
    if data["supplementary"][count]:
        click.echo(f"  of which on approved supplementary lists: "
                   f"{data['supplementary'][count]} {count}, "
                   f"NT${data['supplementary']['amount']:,}")
    for v in data["villages"]:
        click.echo(f"  {v['code']} {v['name']:<6} {v[count]:>6} NT${v['amount']:>12,}")


@rounds_cli.command("print")
@click.argument("round_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="Folder for the PDFs (one per village).")
@click.option("--village", default=None, help="Only this village code.")
@click.option("--per-neighbourhood", is_flag=True, help="One PDF per 鄰.")
@click.option("--full-ids", is_flag=True, help="Print full ID numbers.")
@click.option("--workers", default=None, type=int, help="Processes (default: CPU count).")
@click.option("--batch", default=0, type=int,
              help="A supplementary list's number (default 0: the frozen roster).")
def print_sheets(round_id, out, village, per_neighbourhood, full_ids, workers, batch):
    """Write the 印領清冊 PDFs of a frozen round."""
    round_ = _round(round_id)
    if not round_.is_frozen:
        raise click.ClickException("the round is not frozen yet")
    started = time.perf_counter()
    found = sheets.village_sheets(round_, village, per_neighbourhood, batch, full_ids)
    if village and not found:
        raise click.ClickException(f"no rows for village {village}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = sheets.render_many(found, workers=workers)
    for name, data in files:
        (folder / name).write_bytes(data)
    rows = sum(len(s["rows"]) for s in found)
    click.echo(f"{len(files)} PDFs, {rows} rows in {time.perf_counter() - started:.1f} s "
               f"-> {folder}")
