"""The statistics map names every village that has an outline, as text on the map."""

import json
import re

from welfare.geo.models import Village

LABEL = re.compile(r'"html": ("[^"]*"),\s*"iconSize": \[0, 0\],\s*"className": "map-village-label"')


def test_every_village_is_named_on_the_map(client, as_role, roster, db):
    as_role("staff")
    html = client.get("/reports/map?measure=villages.people").text
    outlined = {v.name_zh for v in db.session.scalars(db.select(Village)) if v.boundary}
    names = {json.loads(text).removeprefix("<span>").removesuffix("</span>")
             for text in LABEL.findall(html)}
    assert outlined and names == outlined
    assert '"interactive": false' in html  # text on the map, not 24 more tab stops
