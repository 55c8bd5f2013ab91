"""Every figure on the delivery pages and route sheets carries its unit and separators."""

import re
import subprocess

from tests.delivery.test_views import planned  # noqa: F401 (a fixture)


def test_event_page_counts_households_and_goods_with_units(client, staff_user, planned):  # noqa: F811
    event, _man, mine, _theirs = planned
    page = client.get(f"/delivery/events/{event.id}").get_data(as_text=True)
    assert f"{len(event.stops)} 戶" in page
    assert "1-2 人戶 1 包，3 人以上 2 包" in page  # quantities with units, not "1, 2 包"
    km = f"{mine.distance_m / 1000:,.1f} 公里"
    assert km in page
    route = client.get(f"/delivery/routes/{mine.id}").get_data(as_text=True)
    assert km in route
    stop = mine.stops[0]
    assert f"白米 {stop.goods['白米']} 包" in route


def test_route_sheet_gives_units_on_every_quantity(client, staff_user, planned, tmp_path):  # noqa: F811
    _event, _man, mine, _theirs = planned
    response = client.get(f"/delivery/routes/{mine.id}/sheet.pdf")
    assert response.status_code == 200
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.get_data())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"合計 {len(mine.stops)} 戶" in text
    assert re.search(r"約 [\d,]+\.\d 公里", text)
    assert re.search(r"白米 [\d,]+ 包", text)
