"""Household rounds on paper and on the command line: 共計 N 戶, capitals, `rounds show`."""

import json
import re

from welfare.core.money import capitals
from welfare.rounds.cli import rounds_cli

from .test_sheets import pdf_text


def test_cli_list_show_and_print_a_household_round(app, db, make_household,
                                                   make_household_round, villages, tmp_path):
    village = villages[0]
    three = make_household("low", members=3, village=village)
    make_household("mid_low", members=1, village=village)
    make_household("low", members=2, village=villages[1])
    round_ = make_household_round(status="approved")
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(rounds_cli, ["list", "--json"]).output)
    assert {"id": round_.id, "unit": "household"}.items() <= listed[0].items()
    shown = json.loads(runner.invoke(rounds_cli, ["show", str(round_.id), "--json"]).output)
    assert shown["unit"] == "household"
    assert shown["households"] == 3 and shown["amount"] == 6000 + 4000 + 5000
    first = next(v for v in shown["villages"] if v["code"] == village.code)
    assert first == {"code": village.code, "name": village.name_zh, "households": 2,
                     "amount": 10000, "supplementary": {"households": 0, "amount": 0}}
    result = runner.invoke(rounds_cli, ["print", str(round_.id), "--out", str(tmp_path / "out"),
                                        "--village", village.code, "--workers", "1"])
    assert result.exit_code == 0, result.output
    [pdf] = list((tmp_path / "out").glob("*.pdf"))
    text = pdf_text(tmp_path, pdf.read_bytes())
    closing = re.search(r"共計 (\d+) 戶\s+金額 NT\$([\d,]+) 元（(.+?)）", text)
    assert closing, text
    assert int(closing[1]) == first["households"]
    assert int(closing[2].replace(",", "")) == first["amount"]
    assert capitals(first["amount"]) in closing[3]
    assert "本頁小計 2 戶" in text and "戶長姓名" in text
    assert "歲末送溫情慰問金印領清冊" in text
    others = [m.person.name for m in three.members if m.person_id != three.head_id]
    assert "3人：" + "、".join(others) in text.replace(" ", "")
