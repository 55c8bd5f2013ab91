"""Delivery forms: field checks only."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from welfare.delivery.labels import KIND_LABELS, VEHICLE_LABELS
from welfare.forms import RocDateField, TextForm

SHORT = {"class": "short", "inputmode": "numeric"}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemForm(Form):
    name = StringField(_l("Goods"), validators=[Optional(), Length(max=60)])
    unit = StringField(
        _l("Unit"), validators=[Optional(), Length(max=10)], render_kw={"class": "short"}
    )
    qty_small = IntegerField(
        _l("Per household of 1-2"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=99)],
        render_kw=SHORT,
    )
    qty_large = IntegerField(
        _l("Per household of 3 or more"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=99)],
        render_kw=SHORT,
    )
    qty_elder = IntegerField(
        _l("Per isolated elder"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=99)],
        render_kw=SHORT,
    )
    load_units = IntegerField(
        _l("Load units each"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=99)],
        render_kw=SHORT,
    )


class EventForm(TextForm):
    name = StringField(
        _l("Event name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)]
    )
    event_date = RocDateField(_l("Delivery date"), required=True)
    service_minutes = IntegerField(
        _l("Minutes at each door"),
        default=5,
        validators=[NumberRange(min=0, max=120)],
        render_kw=SHORT,
    )
    max_stops = IntegerField(
        _l("Most stops on one route"),
        validators=[Optional(), NumberRange(min=1, max=999)],
        render_kw=SHORT,
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    items = FieldList(FormField(ItemForm), min_entries=4, max_entries=10)

    def as_data(self):
        return {
            k: getattr(self, k).data
            for k in ("name", "event_date", "service_minutes", "max_stops", "notes")
        }

    def item_rows(self):
        rows = []
        for entry in self.items:
            data = entry.data
            if (data.get("name") or "").strip():
                rows.append(
                    {
                        "name": data["name"].strip(),
                        "unit": (data.get("unit") or "").strip(),
                        **{
                            k: data.get(k) or 0
                            for k in ("qty_small", "qty_large", "qty_elder", "load_units")
                        },
                    }
                )
        return rows


class RecipientFilterForm(TextForm):
    kinds = MultiCheckboxField(
        _l("Who receives goods"),
        choices=list(KIND_LABELS.items()),
        validators=[DataRequired(_l("Choose at least one group."))],
    )
    village_ids = MultiCheckboxField(_l("Villages (none ticked: all)"), coerce=int)


class RecipientListForm(TextForm):
    id_numbers = TextAreaField(
        _l("ID numbers, one per line"),
        validators=[DataRequired(_l("Enter at least one ID number."))],
    )


class StopForm(TextForm):
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=30)], render_kw={"type": "tel"}
    )
    window_start = TimeField(_l("Not before"), validators=[Optional()])
    window_end = TimeField(_l("Not after"), validators=[Optional()])
    service_minutes = IntegerField(
        _l("Minutes at the door"),
        validators=[Optional(), NumberRange(min=0, max=120)],
        render_kw=SHORT,
    )
    notes = TextAreaField(_l("Notes for the serviceman"), validators=[Optional(), Length(max=500)])


class OptimiseForm(TextForm):
    vehicles = MultiCheckboxField(
        _l("Servicemen and vehicles"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one serviceman."))],
    )


class VehicleForm(TextForm):
    name = StringField(
        _l("Serviceman's name"), validators=[DataRequired(_l("Enter a name.")), Length(max=60)]
    )
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=30)], render_kw={"type": "tel"}
    )
    user_id = SelectField(_l("Sign-in account"), coerce=int)
    vehicle_type = SelectField(_l("Vehicle"), choices=list(VEHICLE_LABELS.items()))
    plate = StringField(
        _l("Plate number"), validators=[Optional(), Length(max=20)], render_kw={"class": "short"}
    )
    capacity = IntegerField(
        _l("Capacity (load units)"),
        default=20,
        validators=[DataRequired(), NumberRange(min=1, max=9999)],
        render_kw=SHORT,
    )
    max_stops = IntegerField(
        _l("Most stops"), validators=[Optional(), NumberRange(min=1, max=999)], render_kw=SHORT
    )
    shift_start = TimeField(_l("Shift starts"), validators=[DataRequired()])
    shift_end = TimeField(_l("Shift ends"), validators=[DataRequired()])
    start_lat = StringField(
        _l("Start latitude (blank: the office)"),
        validators=[Optional()],
        render_kw={"class": "short"},
    )
    start_lng = StringField(
        _l("Start longitude"), validators=[Optional()], render_kw={"class": "short"}
    )
    end_lat = StringField(
        _l("End latitude (blank: the office)"),
        validators=[Optional()],
        render_kw={"class": "short"},
    )
    end_lng = StringField(
        _l("End longitude"), validators=[Optional()], render_kw={"class": "short"}
    )
    reloads = BooleanField(_l("May come back to the office to load again"), default=True)
    active = BooleanField(_l("Available for new plans"), default=True)

    def as_data(self):
        data = {
            k: getattr(self, k).data
            for k in (
                "name",
                "phone",
                "vehicle_type",
                "plate",
                "capacity",
                "max_stops",
                "shift_start",
                "shift_end",
                "reloads",
                "active",
            )
        }
        data["user_id"] = self.user_id.data or None
        for key in ("start_lat", "start_lng", "end_lat", "end_lng"):
            raw = (getattr(self, key).data or "").strip()
            try:
                data[key] = float(raw) if raw else None
            except ValueError:
                getattr(self, key).errors = [_l("Enter a number like 22.5071.")]
                data[key] = None
        return data
