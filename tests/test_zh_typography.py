"""Chinese msgstrs use full-width punctuation (，：；！？（）) next to Chinese text."""

import glob
import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
HALF_WIDTH_BY_CJK = re.compile(rf"{CJK} ?[,:;!?()]|[,:;!?()] ?{CJK}")
# Placeholders, and code the reader types (?columns=a,b), are not Chinese text.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|[!-~]*=[!-~]*")


def half_width_by_chinese(text):
    return HALF_WIDTH_BY_CJK.findall(PLACEHOLDER.sub("", text))


def test_the_check_finds_half_width_punctuation_beside_chinese():
    assert half_width_by_chinese("名單更新於: 115/12/04, 請確認(必填)!") == [
        "於:", ", 請", "認(", "填)"]
    assert half_width_by_chinese("本欄須與「%(other_name)s」相同。GPS (x, y)") == []
    assert half_width_by_chinese("或在網址加上 ?columns=seq,name。") == []


def test_chinese_translations_use_full_width_punctuation():
    found = []
    for po in sorted(glob.glob(str(ROOT / "welfare/*/translations/zh_Hant_TW/LC_MESSAGES/*.po"))):
        with open(po, "rb") as fh:
            for message in read_po(fh):
                strings = message.string if isinstance(message.string, tuple | list) else [
                    message.string]
                for text in strings:
                    if text and half_width_by_chinese(text):
                        found.append(f"{Path(po).parts[-5]}: {text}")
    assert found == [], "\n".join(found[:40])
