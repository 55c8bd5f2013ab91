"""Public statements: accessibility and personal data, reachable without signing in."""

import re

import pytest


@pytest.mark.parametrize("path, words", [("/accessibility", ["無障礙", "WCAG 2.1", "axe-core"]),
                                         ("/privacy", ["個人資料保護法", "稽核", "五年"])])
def test_public_statements_need_no_sign_in(client, app, path, words, monkeypatch):
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert all(w in text for w in words), [w for w in words if w not in text]
    assert "聯絡方式" not in text
    monkeypatch.setitem(app.config, "OFFICE_CONTACT", "07-000-0000")
    assert "07-000-0000" in client.get(path).get_data(as_text=True)


def test_footer_links_to_the_statements(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/accessibility"' in page and 'href="/privacy"' in page


def test_office_home_shows_the_rosters_counts(client, as_role, make_person):
    # roster hands its headline numbers to auth's home page (auth imports no roster code)
    make_person(), make_person(), make_person(status="deceased")
    as_role("staff")
    page = client.get("/").text
    people = re.search(r'<span class="caption">[^<]*</span><span class="big">([\d,]+)</span>',
                       page)
    assert people and people.group(1) == "2"
