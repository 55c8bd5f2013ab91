"""Roster writers (the only code that changes people, households and the elder register),
one module per subject; the names are gathered here so callers write `services.x`."""

from welfare.roster.services.duplicates import (
    dismiss_duplicate,
    duplicate_candidates,
    flag_duplicates,
)
from welfare.roster.services.elders import (
    ELDER_FIELDS,
    add_contact,
    create_elder,
    remove_contact,
    reveal_sensitive_notes,
    update_elder,
)
from welfare.roster.services.households import (
    add_low_income_status,
    add_member,
    create_household,
    remove_member,
    set_head,
)
from welfare.roster.services.institutions import add_stay, end_stay
from welfare.roster.services.merges import merge_duplicate, merge_refusals, undo_merge
from welfare.roster.services.people import (
    PERSON_FIELDS,
    create_person,
    id_number_error,
    reveal_id_number,
    update_person,
)

__all__ = [
    "ELDER_FIELDS", "PERSON_FIELDS", "add_contact", "add_low_income_status", "add_member",
    "add_stay", "end_stay",
    "create_elder", "create_household", "create_person", "dismiss_duplicate",
    "duplicate_candidates", "flag_duplicates", "id_number_error", "merge_duplicate",
    "merge_refusals", "remove_contact", "remove_member", "reveal_id_number",
    "reveal_sensitive_notes",
    "set_head", "undo_merge", "update_elder", "update_person",
]
