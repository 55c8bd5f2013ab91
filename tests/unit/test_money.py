import pytest

from welfare.core.money import capitals, capitals_dollars


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "零"),
        (5, "伍"),
        (10, "壹拾"),
        (15, "壹拾伍"),
        (105, "壹佰零伍"),
        (1500, "壹仟伍佰"),
        (1505, "壹仟伍佰零伍"),
        (5000, "伍仟"),
        (10000, "壹萬"),
        (10500, "壹萬零伍佰"),
        (12500, "壹萬貳仟伍佰"),
        (100500, "壹拾萬零伍佰"),
        (1001000, "壹佰萬壹仟"),
        (1010000, "壹佰零壹萬"),
        (21000000, "貳仟壹佰萬"),
        (100000000, "壹億"),
        (100000001, "壹億零壹"),
        (828000000, "捌億貳仟捌佰萬"),
    ],
)
def test_capitals(amount, text):
    assert capitals(amount) == text


def test_with_currency_words():
    assert capitals_dollars(10500) == "新臺幣壹萬零伍佰元整"


def test_negative():
    assert capitals(-1500) == "負壹仟伍佰"
