"""What registry feeds tell other domains. The roster sits below the rounds, so it cannot call
them; the rounds subscribe instead:

    from welfare.roster.feeds.signals import people_status_changed

    @people_status_changed.connect
    def hold_entries(actor, events):  # called inside the import's transaction
        ...

`events` is a list of StatusEvent(person_id, change, date), change being one of "death",
"move_out", "move_in", "address_change": one per person the import created or changed
(nothing for rows already in force, so a re-import sends nothing). A listener that raises
undoes the whole import."""

from dataclasses import dataclass
from datetime import date

from blinker import Namespace

_signals = Namespace()
people_status_changed = _signals.signal("roster-people-status-changed")


@dataclass(frozen=True)
class StatusEvent:
    person_id: int
    change: str
    date: date
