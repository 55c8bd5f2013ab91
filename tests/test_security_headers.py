"""Content-Security-Policy on every response, nonces on inline elements, one charset."""

import re
from pathlib import Path

import pytest

from welfare.web import tile_origin

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
REQUIRED = ["default-src 'self'", "object-src 'none'", "base-uri 'self'",
            "form-action 'self'", "frame-ancestors 'self'"]


def _policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def _nonce(policy):
    nonces = [s for s in policy["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) == 1
    return nonces[0][len("'nonce-"):-1]


def test_pages_and_json_carry_the_policy(client, as_role):
    for path in ("/login", "/static/css/app.css"):
        response = client.get(path)
        header = response.headers["Content-Security-Policy"]
        response.close()
        for directive in REQUIRED:
            assert directive in header
    as_role("staff")
    page = client.get("/")
    assert page.status_code == 200
    policy = _policy(page)
    assert policy["script-src"][0] == "'self'"
    header = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_every_inline_script_and_style_has_the_request_nonce(client, as_role, villages):
    as_role("staff")
    response = client.get("/reports/map?measure=villages.people")
    assert response.status_code == 200
    nonce = _nonce(_policy(response))
    assert len(nonce) >= 16
    html = response.text
    inline = [tag for tag in re.findall(r"<(?:script|style)\b[^>]*>", html)
              if "src=" not in tag and "application/json" not in tag]
    assert len(inline) >= 3  # folium's styles and its map script, the page's refit script
    for tag in inline:
        assert f'nonce="{nonce}"' in tag, tag
    assert set(re.findall(r'nonce="([^"]*)"', html)) == {nonce}
    assert not re.search(r"<[^>]*\sstyle=", html)  # no style attributes, folium's included
    again = _nonce(_policy(client.get("/reports/map?measure=villages.people")))
    assert again != nonce


def test_map_tile_host_is_allowed_for_images(app, client, as_role, villages):
    as_role("staff")
    saved = app.config["TILE_URL"]
    app.config["TILE_URL"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    try:
        policy = _policy(client.get("/reports/map?measure=villages.people"))
    finally:
        app.config["TILE_URL"] = saved
    assert "https://*.tiles.example.org" in policy["img-src"]
    assert policy["connect-src"] == ["'self'"]


@pytest.mark.parametrize("url, origin", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://tiles.local:8080/{z}/{x}/{y}.png", "http://tiles.local:8080"),
    ("/tiles/{z}/{x}/{y}.png", None),
    ("", None),
])
def test_tile_origin(url, origin):
    assert tile_origin(url) == origin


def test_templates_have_no_inline_handlers_style_attributes_or_unnonced_elements():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag and "nonce=" not in tag:
                problems.append(f"{path.name}: {tag}")
        pattern = r"<[^>]*\s(?:on[a-z]+|style)\s*=[^>]*>|javascript:"
        for found in re.findall(pattern, text):
            problems.append(f"{path.name}: {found}")
    assert not problems


def test_csv_downloads_name_the_charset_once(client, as_role, make_person):
    as_role("staff")
    make_person()
    for path in ("/people/export.csv", "/people/import/template.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", path


def test_embedded_folium_maps_need_no_style_attributes(app):
    import folium

    from welfare.maps import embed, make_map, numbered_icon
    from welfare.web import csp_nonce

    with app.test_request_context("/"):
        m = make_map()
        folium.Marker((22.5, 120.39), icon=numbered_icon(3, "#d4351c"),
                      popup=folium.Popup("<strong>王小明</strong>")).add_to(m)
        header, body, script = embed(m)
        nonce = csp_nonce()
    assert "#d4351c" in script and "<strong>王小明</strong>" in script
    assert not re.search(r"\sstyle=", str(body) + str(script))
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", str(header)):
        assert f'nonce="{nonce}"' in tag, tag
