"""Figures a person reads carry thousands separators and their units."""

from welfare.web import show_number, show_quantity


def test_thousands_separators():
    assert show_number(1234) == "1,234"
    assert show_number(5601500) == "5,601,500"
    assert show_number(0) == "0"
    assert show_number(14, digits=1) == "14.0"
    assert show_number(None) == ""


def test_quantities_carry_their_unit():
    assert show_quantity(1683, "人") == "1,683 人"
    assert show_quantity(14, "小時", digits=1) == "14.0 小時"
    assert show_quantity(None, "戶") == ""


def test_filters_are_registered(app):
    env = app.jinja_env
    assert env.from_string("{{ 1683|qty('人') }}").render() == "1,683 人"
    assert env.from_string("{{ 120|num }}").render() == "120"
