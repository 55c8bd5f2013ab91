"""What a merge of two people tells other domains. The roster sits below the programmes, so
it cannot move their rows; each programme subscribes and moves its own:

    from welfare.roster.merge_signals import person_merged, repoint

    @person_merged.connect
    def move_stops(actor, kept, merged, moves):  # inside the merge's transaction
        repoint(DeliveryStop.person_id, merged.id, kept.id, moves)

`moves` maps "table.column" to the ids of the rows moved; it is stored with the merge, and
`person_unmerged` hands it back so each listener (or `repoint_back`) returns its rows. A
listener that raises undoes the whole merge; reasons to refuse are answered beforehand to
`merge_refusals` (kept, merged) as a list of messages."""

import sqlalchemy as sa
from blinker import Namespace

from welfare.extensions import db

_signals = Namespace()
person_merged = _signals.signal("roster-person-merged")
person_unmerged = _signals.signal("roster-person-unmerged")
# Asked before a merge (and by its check page): each listener returns a list of reasons the
# two records cannot be merged yet (both on one round, both stops of one delivery event...).
merge_refusals = _signals.signal("roster-merge-refusals")
# Asked by the check page: each listener returns {table name: rows of `merged` it would move}.
merge_preview = _signals.signal("roster-merge-preview")


def _key(column):
    return f"{column.table.name}.{column.name}"


def repoint(column, merged_id, kept_id, moves):
    """Point every row whose `column` names the merged person at the kept one; note their ids."""
    column = getattr(column, "expression", column)
    table = column.table
    ids = list(db.session.scalars(sa.select(table.c.id).where(column == merged_id)
                                  .order_by(table.c.id)))
    if ids:
        db.session.execute(sa.update(table).where(table.c.id.in_(ids))
                           .values({column.name: kept_id}))
        moves.setdefault(_key(column), []).extend(ids)
    return ids


def repoint_back(column, merged_id, kept_id, moves):
    """Return the rows a merge moved (those still on the kept person) to the merged one."""
    column = getattr(column, "expression", column)
    table = column.table
    ids = moves.get(_key(column), [])
    if ids:
        db.session.execute(sa.update(table).where(table.c.id.in_(ids), column == kept_id)
                           .values({column.name: merged_id}))
    return ids


def count_naming(column, person_id):
    """{table: rows whose `column` names the person}, empty when none."""
    column = getattr(column, "expression", column)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(column.table)
                              .where(column == person_id))
    return {column.table.name: count} if count else {}


def follow_merges(*columns):
    """Subscribe a domain whose rows simply follow the person: each of `columns` (naming
    people.id) is re-pointed on a merge, pointed back on its undo, and counted on the check
    page."""

    def move(_actor, kept, merged, moves):
        for column in columns:
            repoint(column, merged.id, kept.id, moves)

    def move_back(_actor, kept, merged, moves):
        for column in columns:
            repoint_back(column, merged.id, kept.id, moves)

    def preview(_sender, merged):
        found = {}
        for column in columns:
            found.update(count_naming(column, merged.id))
        return found

    # Held strongly: blinker keeps weak references by default and these are closures.
    merge_preview.connect(preview, weak=False)
    person_merged.connect(move, weak=False)
    person_unmerged.connect(move_back, weak=False)
