"""The audit log's codes in the clerk's words: every action and record type the code writes
(tests/auth/test_audit_labels.py reads the code to check none is missing)."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
    "unchanged": _l("Checked, no change"),
    "view_id": _l("Viewed full ID number"),
    "view_sensitive": _l("Viewed health and sensitive notes"),
    "export": _l("Exported"), "export_full_id": _l("Exported with whole ID numbers"),
    "print_full_ids": _l("Printed with whole ID numbers"),
    "login": _l("Signed in"), "logout": _l("Signed out"), "lockout": _l("Account locked"),
    "password": _l("Password changed"),
    "issue_token": _l("Signed in on the phone app"), "revoke_token": _l("Phone app sign-in ended"),
    "merge": _l("Merged duplicates"), "merged_into": _l("Merged into another record"),
    "dismiss_duplicate": _l("Not a duplicate"),
    "undo_merge": _l("Merge undone"), "unmerged": _l("Restored from a merge"),
    "add_member": _l("Member added"), "remove_member": _l("Member removed"),
    "add_contact": _l("Contact added"), "remove_contact": _l("Contact removed"),
    "end_stay": _l("Institution stay ended"),
    "import": _l("Imported"), "seed_demo": _l("Demo data loaded"),
    "job": _l("Background job started"),
    "freeze": _l("Roster frozen"), "approve": _l("Roster approved"),
    "supplement": _l("Supplementary list added"),
    "approve_batch": _l("Supplementary list approved"),
    "hold": _l("Payouts held"), "lift_hold": _l("Payout hold lifted"),
    "close": _l("Round closed"), "payout": _l("Payout recorded"),
    "reverse": _l("Payout reversed"), "import_outcomes": _l("Bank results imported"),
    "export_bank": _l("Bank transfer file made"),
    "assign": _l("Volunteers assigned"), "record_visit": _l("Visit recorded"),
    "open_alert": _l("Alert opened"), "escalate_alert": _l("Alert moved up a step"),
    "take_alert": _l("Alert taken over"), "close_alert": _l("Alert closed"),
    "start_sweep": _l("Safety check started"), "close_sweep": _l("Safety check ended"),
    "delivery.create_event": _l("Delivery day created"),
    "delivery.update_event": _l("Delivery day changed"),
    "delivery.add_recipients": _l("Recipients added"),
    "delivery.remove_stop": _l("Recipient removed"),
    "delivery.update_stop": _l("Recipient changed"),
    "delivery.move_stop": _l("Stop moved to another route"),
    "delivery.correct_position": _l("Map position corrected"),
    "delivery.optimise": _l("Routes planned"),
    "delivery.follow_up": _l("Follow-up delivery created"),
    "delivery.outcome": _l("Doorstep result recorded"),
    "delivery.create_vehicle": _l("Vehicle added"),
    "delivery.update_vehicle": _l("Vehicle changed"),
    "job_again": _l("Background job run again"),
    "lookup": _l("Public status lookup: found"),
    "lookup_miss": _l("Public status lookup: no match"),
    "lookup_throttled": _l("Public status lookup refused: too many tries"),
    "notify": _l("Notification queued"),
    "notify_failed": _l("Notification could not be sent"),
    "notify_resend": _l("Notification sent again"),
    "aid_apply": _l("Emergency-aid application recorded"),
    "aid_assess": _l("Emergency-aid case assessed"),
    "aid_approve": _l("Emergency aid approved"),
    "aid_refuse": _l("Emergency aid not approved"),
    "aid_pay": _l("Emergency aid paid"),
    "aid_reverse": _l("Emergency-aid payment reversed"),
    "aid_bank_results": _l("Emergency-aid bank results recorded"),
    "aid_cause_add": _l("Emergency-aid cause added"),
    "aid_cause_edit": _l("Emergency-aid cause changed"),
    "aid_limits": _l("Emergency-aid yearly limit set"),
    "aid_recovered": _l("Emergency-aid money recovered"),
    "aid_bank_batch": _l("Emergency-aid bank batch made and downloaded"),
    "aid_bank_copy": _l("Emergency-aid bank batch downloaded again (a copy)"),
    "holiday_add": _l("Office holiday added"),
    "holiday_remove": _l("Office holiday removed"),
}

ENTITY_LABELS = {
    "people": _l("Person"), "households": _l("Household"), "users": _l("Account"),
    "isolated_elders": _l("Isolated elder"), "low_income_statuses": _l("Low-income status"),
    "emergency_contacts": _l("Emergency contact"), "duplicate_flags": _l("Suspected duplicate"),
    "person_merges": _l("Merge of two records"),
    "institution_stays": _l("Institution stay"),
    "gift_rounds": _l("Elder-gift round"), "gift_round_batches": _l("Supplementary list"),
    "gift_round_supplements": _l("Household added after the freeze"),
    "gift_round_hold_lifts": _l("Lifted payout hold"),
    "gift_payouts": _l("Payout"), "jobs": _l("Background job"),
    "visits": _l("Home visit"), "visit_alerts": _l("Alert"), "sweeps": _l("Safety check"),
    "volunteers": _l("Volunteer"), "contact_rules": _l("Contact rule"),
    "delivery_events": _l("Delivery day"), "delivery_stops": _l("Delivery recipient"),
    "delivery_vehicles": _l("Vehicle"), "delivery_routes": _l("Delivery route"),
    "route_sheet": _l("Route sheet"), "route_sheets": _l("Route sheets"),
    "round_sheets": _l("Payment receipt lists"), "round_notices": _l("Gift notices"),
    "round_outcomes_template": _l("Bank results form"),
    "api_tokens": _l("Phone app sign-in"), "delivery_geocodes": _l("Address position"),
    "delivery_goods_items": _l("Goods item"), "delivery_outcomes": _l("Doorstep result"),
    "gift_bank_accounts": _l("Bank account"), "gift_round_entries": _l("Round roster entry"),
    "household_members": _l("Household member"), "household_moves": _l("Household move"),
    "low_income_categories": _l("Low-income category"), "villages": _l("Village"),
    "visit_alert_events": _l("Alert step"), "visit_assignments": _l("Volunteer assignment"),
    "sweep_checks": _l("Safety check of one elder"),
    "inquiries": _l("Inquiry or petition"), "inquiry_topics": _l("Inquiry topic"),
    "notify_contacts": _l("Staff notification contact"),
    "outbox_messages": _l("Notification"),
    "aid_cases": _l("Emergency-aid case"), "aid_payments": _l("Emergency-aid payment"),
    "aid_causes": _l("Emergency-aid cause"), "aid_letter": _l("Emergency-aid decision letter"),
    "aid_bank": _l("Emergency-aid bank transfer file"),
    "aid_programme": _l("Emergency-aid programme limits"),
    "aid_bank_batches": _l("Emergency-aid bank batch"), "office_holidays": _l("Office holiday"),
}
# Exports of a statistics table are logged as report_<figure>.
PREFIX_LABELS = {"report_": _l("Statistics table"), "quality": _l("Data-quality check")}


def action_label(code):
    return ACTION_LABELS.get(code, code)


def entity_label(kind):
    if kind in ENTITY_LABELS:
        return ENTITY_LABELS[kind]
    for prefix, label in PREFIX_LABELS.items():
        if kind and kind.startswith(prefix):
            return label
    return kind or ""


def action_choices():
    """(code, label) for the filter, in the label's order."""
    return sorted(ACTION_LABELS.items(), key=lambda pair: str(pair[1]))


def entity_choices():
    return sorted(ENTITY_LABELS.items(), key=lambda pair: str(pair[1]))
