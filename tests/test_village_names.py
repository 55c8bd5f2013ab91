"""Village names in one language: Chinese in the Chinese interface, English in English,
in drop-downs as elsewhere."""

import re

from flask_babel import refresh


def _options(page, select_name):
    select = re.search(rf'<select[^>]*name="{select_name}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_village_drop_down_speaks_one_language(client, staff_user, village):
    chinese = _options(client.get("/people/new").text, "village_id")
    assert village.name_zh in chinese
    assert not [o for o in chinese if re.search(r"[A-Za-z]", o)], chinese[:5]
    refresh()  # the test's one app context keeps the locale of its first request
    english = _options(client.get("/people/new?lang=en").text, "village_id")
    assert village.name_en in english
    assert not [o for o in english if re.search(r"[\u4e00-\u9fff]", o)], english[:5]


def test_the_account_form_lists_villages_in_chinese(client, admin_user, village):
    page = client.get("/users/new").text
    options = re.findall(r'<label for="village-\d+">([^<]*)</label>', page)
    assert village.name_zh in options and village.name_en not in " ".join(options)
