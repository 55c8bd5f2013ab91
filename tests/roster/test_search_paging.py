"""The people search counts only up to a cap, so that big villages stay fast."""

import pytest

from welfare.roster import queries


@pytest.fixture
def eight_lins(make_person):
    return [make_person(name=f"林{c}明") for c in "甲乙丙丁戊己庚辛"]


def test_small_results_are_counted_exactly(db, eight_lins):
    page = queries.search_people({"q": "林"}, None, page=1, per_page=3)
    assert page.total == 8 and f"{page.total:,}" == "8"
    assert page.pages == 3 and page.has_next and not page.has_prev
    assert [p.name for p in page.items] == ["林丁明", "林丙明", "林乙明"]  # code-point order
    last = queries.search_people({"q": "林"}, None, page=3, per_page=3)
    assert [p.name for p in last.items] == ["林甲明", "林辛明"]
    assert last.has_prev and not last.has_next and last.prev_num == 2


def test_counts_stop_at_the_cap(db, eight_lins, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    page = queries.search_people({"q": "林"}, None, page=1, per_page=2)
    assert page.total == 5 and f"{page.total:,}" == "5+" and str(page.total) == "5+"
    assert page.pages == 3 and str(page.pages) == "3+"
    assert page.has_next and page.next_num == 2
    assert len(page.items) == 2


def test_one_short_page_needs_no_count(db, eight_lins):
    page = queries.search_people({"q": "林甲"}, None)
    assert page.total == 1 and page.pages == 1 and not page.has_next


def test_people_page_shows_a_capped_count(app, client, staff_user, eight_lins, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    response = client.get("/people?q=林&lang=en")
    assert response.status_code == 200
    assert "5+ people found" in response.get_data(as_text=True)
