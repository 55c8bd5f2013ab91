"""The serviceman's phone: one stop per screen, the next stop first, a server-side error
summary for an empty report, and on to the next stop after a report."""

import uuid

import pytest

from tests.delivery.test_views import planned  # noqa: F401 (a fixture)
from welfare.delivery.labels import goods_with_units
from welfare.delivery.models import DeliveryOutcome
from welfare.delivery.rules import next_unreported


@pytest.mark.parametrize(
    ("outcomes", "start", "expected"),
    [
        ([None, None, None], 0, 1),
        (["delivered", None, None], 0, 2),
        (["delivered", None, None], 2, 3),
        ([None, "delivered", "not_home"], 1, 1),  # round to the top
        (["delivered", "refused"], 0, None),
        ([], 0, None),
    ],
)
def test_next_unreported(outcomes, start, expected):
    assert next_unreported(outcomes, start) == expected


def test_goods_carry_their_units(event_with_stops):
    stop = event_with_stops.stops[0]
    units = {i.name: i.unit for i in event_with_stops.items}
    listed = goods_with_units(event_with_stops, stop)
    assert listed and all(unit == units[name] for name, _q, unit in listed)
    assert {name: qty for name, qty, _u in listed} == stop.goods


def _login(client, man):
    from tests.conftest import login

    login(client, man)


def _post(client, stop, outcome=None):
    data = {"uuid": str(uuid.uuid4()), "note": ""}
    if outcome:
        data["outcome"] = outcome
    return client.post(f"/delivery/my/stops/{stop.id}/outcome", data=data)


def test_one_stop_per_screen_next_stop_first(client, db, planned):  # noqa: F811
    _event, man, mine, _theirs = planned
    _login(client, man)
    total = len(mine.stops)
    page = client.get(f"/delivery/my/routes/{mine.id}").get_data(as_text=True)
    assert f"1 / {total}" in page and mine.stops[0].recipient_name in page
    assert page.count('name="outcome"') == 6  # one stop's choices, not the whole route's
    assert "novalidate" in page and " required" not in page
    assert f"/delivery/my/routes/{mine.id}/stops" in page  # the list to jump from
    if total > 1:
        second = client.get(f"/delivery/my/routes/{mine.id}?n=2").get_data(as_text=True)
        assert f"2 / {total}" in second and mine.stops[1].recipient_name in second
    assert client.get(f"/delivery/my/routes/{mine.id}?n={total + 1}").status_code == 404
    assert client.get(f"/delivery/my/routes/{mine.id}?n=0").status_code == 400
    listing = client.get(f"/delivery/my/routes/{mine.id}/stops").get_data(as_text=True)
    assert all(s.recipient_name in listing for s in mine.stops)


def test_an_empty_report_shows_the_error_summary(client, db, planned):  # noqa: F811
    _event, man, mine, _theirs = planned
    _login(client, man)
    stop = mine.stops[0]
    response = _post(client, stop)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="error-summary"' in page
    assert f'href="#o-{stop.id}-delivered"' in page and f"1 / {len(mine.stops)}" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryOutcome)) == 0


def test_a_report_moves_on_to_the_next_unreported_stop(client, db, planned):  # noqa: F811
    _event, man, mine, _theirs = planned
    _login(client, man)
    stops = list(mine.stops)
    response = _post(client, stops[0], "delivered")
    if len(stops) == 1:
        assert response.location.endswith(f"/delivery/my/routes/{mine.id}/stops")
        return
    assert response.status_code == 302 and response.location.endswith(
        f"/delivery/my/routes/{mine.id}?n=2")
    page = client.get(response.location).get_data(as_text=True)
    assert f"2 / {len(stops)}" in page and stops[1].recipient_name in page
    # The route's own address now opens at the first stop still to report.
    page = client.get(f"/delivery/my/routes/{mine.id}").get_data(as_text=True)
    assert f"2 / {len(stops)}" in page


def test_when_every_stop_is_reported_the_list_says_so(client, db, planned):  # noqa: F811
    _event, man, mine, _theirs = planned
    _login(client, man)
    for stop in list(mine.stops):
        assert _post(client, stop, "not_home").status_code == 302
    response = client.get(f"/delivery/my/routes/{mine.id}")
    assert response.location.endswith(f"/delivery/my/routes/{mine.id}/stops")
    page = client.get(response.location).get_data(as_text=True)
    assert "本路線各站皆已回報" in page or "Every stop on this route is reported" in page
