"""Delivery forms: field checks only."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
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
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from welfare.delivery.labels import KIND_LABELS, VEHICLE_LABELS
from welfare.delivery.models import EVENT_FIELDS, ITEM_QUANTITIES, STOP_FIELDS, VEHICLE_FIELDS
from welfare.forms import RocDateField, TextForm

SHORT = {"class": "short", "inputmode": "numeric"}


class CoordinateField(Field):
    """A latitude or longitude typed as a decimal number; blank: none."""

    widget = TextInput()

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("validators", [Optional()])
        kwargs.setdefault("render_kw", {"class": "short"})
        super().__init__(label, **kwargs)

    def _value(self):
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            try:
                self.data = float(raw)
            except ValueError as exc:
                raise ValueError(_l("Enter a number like 22.5071.")) from exc


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def count(label, default=None, most=99, least=0, blank=Optional):
    """A short whole-number field (quantities, minutes, stops); `blank`: the check for an
    empty box (Optional, DataRequired, or None to let the range refuse it)."""
    checks = [blank()] if blank else []
    return IntegerField(label, default=default, render_kw=SHORT,
                        validators=[*checks, NumberRange(min=least, max=most)])


class ItemForm(Form):
    name = StringField(_l("Goods"), validators=[Optional(), Length(max=60)])
    unit = StringField(
        _l("Unit"), validators=[Optional(), Length(max=10)], render_kw={"class": "short"}
    )
    qty_small = count(_l("Per household of 1-2"), default=1)
    qty_large = count(_l("Per household of 3 or more"), default=1)
    qty_elder = count(_l("Per isolated elder"), default=1)
    load_units = count(_l("Load units each"), default=1)


class EventForm(TextForm):
    name = StringField(
        _l("Event name"), validators=[DataRequired(_l("Enter a name.")), Length(max=100)]
    )
    event_date = RocDateField(_l("Delivery date"), required=True)
    service_minutes = count(_l("Minutes at each door"), default=5, most=120, blank=None)
    max_stops = count(_l("Most stops on one route"), most=999, least=1)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    items = FieldList(FormField(ItemForm), min_entries=4, max_entries=10)

    def as_data(self):
        return {k: getattr(self, k).data for k in EVENT_FIELDS}

    def item_rows(self):
        """The goods items typed in, blank rows left out."""
        return [
            {"name": data["name"].strip(), "unit": (data.get("unit") or "").strip(),
             **{k: data.get(k) or 0 for k in ITEM_QUANTITIES}}
            for data in (entry.data for entry in self.items)
            if (data.get("name") or "").strip()
        ]


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
    """A stop's details; stop_form() adds its goods, one quantity per goods item."""

    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=30)], render_kw={"type": "tel"}
    )
    window_start = TimeField(_l("Not before"), validators=[Optional()])
    window_end = TimeField(_l("Not after"), validators=[Optional()])
    service_minutes = count(_l("Minutes at the door"), most=120)
    notes = TextAreaField(_l("Notes for the serviceman"), validators=[Optional(), Length(max=500)])
    items = ()

    def as_data(self):
        quantities = self.goods.data
        return {"goods": {i.name: quantities.get(str(i.id)) or 0 for i in self.items},
                **{k: getattr(self, k).data for k in STOP_FIELDS}}


def stop_form(stop):
    """The stop's form; its goods arrive as goods-<item id>, each a whole number."""
    items = list(stop.event.items)
    goods = type("GoodsForm", (Form,), {
        str(i.id): count(f"{i.name}（{i.unit}）" if i.unit else i.name, most=9999) for i in items
    })
    form_class = type("StopGoodsForm", (StopForm,), {"goods": FormField(goods), "items": items})
    return form_class(data={
        **{k: getattr(stop, k) for k in STOP_FIELDS},
        "goods": {str(i.id): stop.goods.get(i.name, 0) for i in items},
    })


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
    capacity = count(_l("Capacity (load units)"), default=20, most=9999, least=1,
                     blank=DataRequired)
    max_stops = count(_l("Most stops"), most=999, least=1)
    shift_start = TimeField(_l("Shift starts"), validators=[DataRequired()])
    shift_end = TimeField(_l("Shift ends"), validators=[DataRequired()])
    start_lat = CoordinateField(_l("Start latitude (blank: the office)"))
    start_lng = CoordinateField(_l("Start longitude"))
    end_lat = CoordinateField(_l("End latitude (blank: the office)"))
    end_lng = CoordinateField(_l("End longitude"))
    reloads = BooleanField(_l("May come back to the office to load again"), default=True)
    active = BooleanField(_l("Available for new plans"), default=True)

    def as_data(self):
        return {**{k: getattr(self, k).data for k in VEHICLE_FIELDS},
                "user_id": self.user_id.data or None}
