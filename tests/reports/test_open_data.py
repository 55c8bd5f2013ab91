"""Open data without signing in: nothing personal, no count of 1 or 2, totals safe."""

import csv
import io
import json
import re

import sqlalchemy as sa

from welfare.reports import opendata
from welfare.roster.models import Person

ID_PATTERN = re.compile(r"[A-Z][0-9A-D]\d{8}")


def _links(client):
    page = client.get("/open-data")
    assert page.status_code == 200
    links = re.findall(r'href="(/open-data/[^"]+\.(?:csv|json))"', page.text)
    assert links
    return page, links


def _cells(response, url):
    if url.endswith(".csv"):
        assert response.data.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        return rows[0], rows[1:]
    document = json.loads(response.data)
    assert document["license"] == opendata.LICENSE
    keys = [c["key"] for c in document["columns"]]
    return keys, [[record[k] for k in keys] for record in document["records"]]


def test_every_linked_file_is_anonymous_and_has_no_small_counts(client, roster, db):
    names = set(db.session.scalars(sa.select(Person.name)).all())
    assert names
    _page, links = _links(client)
    assert {link.rsplit(".", 1)[1] for link in links} == {"csv", "json"}
    seen_suppressed = False
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.data.decode("utf-8-sig")
        assert not ID_PATTERN.search(text), url
        assert not any(name in text for name in names), url
        header, rows = _cells(response, url)
        assert rows or "population" not in url, url
        for row in rows:
            for value in row:
                assert str(value).strip() not in ("1", "2"), (url, row)
                seen_suppressed |= value in ("", None)
    assert seen_suppressed  # the small test roster must have cells to hide


def test_no_totals_and_no_lonely_hidden_cell(client, roster):
    """Village populations are public elsewhere: within a village (and within a village and
    sex, and a band and sex across villages) hidden cells come in twos adding up to 3+."""
    response = client.get("/open-data/population.csv")
    header, rows = _cells(response, "population.csv")
    assert "合計" not in header
    code, band, men, women = (header.index(n) for n in ("村里代碼", "年齡組", "男", "女"))
    groups = {}
    for row in rows:
        for column, sex in ((men, "M"), (women, "F")):
            for key in (row[code], (row[code], sex), (row[band], sex)):
                groups.setdefault(key, []).append(row[column])
    for key, values in groups.items():
        assert values.count("") != 1, key


def test_population_matches_roster_when_nothing_is_small(client, db, villages, make_person):
    for _ in range(5):
        make_person(village=villages[0], sex="M")
        make_person(village=villages[0], sex="F")
    rows = _cells(client.get("/open-data/population.csv"), "x.csv")[1]
    row = next(r for r in rows if r[1] == villages[0].code and r[3] == "75-84")
    assert row[4:] == ["5", "5"]


def test_open_data_page_needs_no_login_and_describes_each_dataset(client, roster):
    page, links = _links(client)
    assert "政府資料開放授權條款-第1版" in page.text
    assert page.text.count('class="dataset"') * 2 == len(links)
    assert "村里代碼" in page.text  # column meanings are listed
    assert 'href="/open-data"' in page.text  # the footer link


def test_csv_headers_for_reuse(client, roster):
    response = client.get("/open-data/population.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "charset=utf-8" in response.headers["Content-Type"]
    assert "license" in response.headers["Link"]
    assert client.get("/open-data/nothing.csv").status_code == 404


def test_an_empty_dataset_says_why(client, roster):
    # The test roster has no delivery event and no finished round: both say why.
    page = client.get("/open-data").text
    deliveries = page.split('id="ds-relief-deliveries"')[1].split("</section>")[0]
    assert "<dd>0</dd>" in deliveries
    assert "截至資料日期（上月底）尚未辦理物資發放" in deliveries
    population = page.split('id="ds-population"')[1].split("</section>")[0]
    assert 'role="note"' not in population
