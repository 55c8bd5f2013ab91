"""Every HTML page a role can open, read in Traditional Chinese: no Simplified-only
character, no Western-year date and no AM/PM in what a person reads (text, placeholders,
titles and labels; not the values of inputs that accept both calendars)."""

from html.parser import HTMLParser

import pytest

from tests.test_access_matrix import clerk_district, clients, fill, get_rules, world  # noqa: F401
from tests.zh_text import AM_PM, WESTERN_DATE, simplified

ROLES = ("admin", "volunteer", "serviceman")
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def problems_in(text):
    found = [f"Simplified {''.join(simplified(text))}"] if simplified(text) else []
    found += [f"Western date {m.group()}" for m in WESTERN_DATE.finditer(text)]
    found += [f"AM/PM {m.group()}" for m in AM_PM.finditer(text)]
    return found


def test_visible_text_reader():
    text = visible_text('<p title="說明">名單 <b>115/12/07</b></p><script>x="2025-01-01"</script>'
                        '<input value="2025-01-01" placeholder="例如 2025-01">')
    assert text.split("\n") == ["說明", "名單", "115/12/07", "例如 2025-01"]
    assert problems_in("更新於 12/4/2026, 2:14:16 PM 2025-01-02 个") == [
        "Simplified 个", "Western date 2025-01-02", "AM/PM PM"]


@pytest.mark.parametrize("role", ROLES)
def test_pages_read_in_traditional_chinese_with_roc_dates(app, world, clients, role):  # noqa: F811
    client = clients[role]
    problems, pages = [], 0
    for rule in get_rules(app):
        if rule.endpoint == "auth.language":
            continue  # it would switch the client to English
        for url in fill(rule, world, queries=False):
            response = client.get(url)
            html = response.text if response.mimetype == "text/html" else ""
            ok = response.status_code == 200
            response.close()
            if not ok or not html:
                continue
            pages += 1
            assert 'lang="zh' in html[:300], url
            for problem in problems_in(visible_text(html)):
                problems.append(f"{url}: {problem}")
    print(f"zh-TW pages for {role}: {pages} pages read")
    assert pages >= (40 if role == "admin" else 3)
    assert not problems, "\n".join(sorted(set(problems)))

