"""Translated labels for the visit codes in rules.py."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "home_visit": _l("Home visit"),
    "phone_call": _l("Phone call"),
    "care_point": _l("Meal at the care point"),
    "message": _l("Message"),
}
OUTCOME_LABELS = {
    "met_well": _l("Reached, doing well"),
    "met_concerns": _l("Reached, with concerns"),
    "no_answer": _l("No answer"),
    "hospitalised": _l("In hospital"),
    "moved": _l("Has moved away"),
    "deceased": _l("Has died"),
    "not_alone": _l("Does not live alone"),
    "refused": _l("Did not want a visit"),
}
NEEDS_LABELS = {
    "meals": _l("Meals"),
    "medical": _l("Medical care"),
    "home_safety": _l("Home safety"),
    "money": _l("Money"),
    "loneliness": _l("Loneliness"),
}
ASSESSMENT_LABELS = {
    "health": _l("Physical health"),
    "self_care": _l("Self-care"),
    "family": _l("Contact with family and friends"),
    "neighbours": _l("Contact with neighbours"),
    "information": _l("Sources of daily information"),
    "difficulties": _l("Difficulties in daily life"),
    "help_from": _l("Someone to ask for help"),
    "worries": _l("Worries and low mood"),
    "wishes": _l("Things they want to do"),
    "service_willingness": _l("Willing to accept services"),
    "home_safety": _l("Home hygiene and safety"),
}
VALUE_LABELS = {"ok": _l("Fine"), "concern": _l("Concern")}
ALERT_LABELS = {
    "no_answer": _l("No answer"),
    "concerns": _l("Concerns"),
    "hospitalised": _l("In hospital"),
    "deceased": _l("Reported dead"),
    "moved": _l("Reported moved"),
    "not_alone": _l("Reported not living alone"),
    "needs_help": _l("Needs help"),
}
STEP_LABELS = {
    "recheck": _l("Volunteer checks again"),
    "staff": _l("Staff follow up"),
    "emergency_contact": _l("Call the emergency contact"),
    "village_chief": _l("Ask the village chief"),
    "emergency_services": _l("Call emergency services (119 / 110)"),
    "confirm": _l("Staff confirm and update the register"),
}
CLOSE_LABELS = {
    "found_well": _l("Found safe and well"),
    "needs_follow_up": _l("Safe; handed to a social worker"),
    "hospitalised": _l("In hospital"),
    "deceased": _l("Has died"),
    "moved": _l("Has moved away"),
    "not_alone": _l("Does not live alone"),
    "false_alarm": _l("Report was wrong"),
}
STATUS_LABELS = {
    "overdue": _l("Overdue"),
    "due": _l("Due today"),
    "soon": _l("Due soon"),
    "ok": _l("On schedule"),
}
SWEEP_LABELS = {
    "pending": _l("Not yet checked"),
    "checked": _l("Safe"),
    "unreachable": _l("Unreachable"),
    "needs_help": _l("Needs help"),
}
TASK_LABELS = {
    "sweep": _l("Safety check today"),
    "recheck": _l("Check again: no answer last time"),
    "due": _l("Contact due"),
}
ALL = {"kind": KIND_LABELS, "outcome": OUTCOME_LABELS, "needs": NEEDS_LABELS,
       "assessment": ASSESSMENT_LABELS, "value": VALUE_LABELS, "status": STATUS_LABELS,
       "task": TASK_LABELS, "alert": ALERT_LABELS}


def as_strings(table):
    return {key: str(value) for key, value in table.items()}
