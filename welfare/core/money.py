"""Amounts in Chinese capital numerals (大寫), as written on receipt lists."""

DIGITS = "零壹貳參肆伍陸柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "萬", "億", "兆")


def _four(group):
    """Capitals for 0..9999 without leading zero handling across groups."""
    out = []
    zero = False
    for pos in range(3, -1, -1):
        digit = group // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(DIGITS[0])
            zero = False
        out.append(DIGITS[digit] + SMALL_UNITS[pos])
    return "".join(out)


def capitals(amount):
    """12,500 -> 壹萬貳仟伍佰; 10,500 -> 壹萬零伍佰; 0 -> 零."""
    amount = int(amount)
    if amount < 0:
        return "負" + capitals(-amount)
    if amount == 0:
        return DIGITS[0]
    groups = []
    while amount:
        groups.append(amount % 10000)
        amount //= 10000
    out = []
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out.append(DIGITS[0])
        out.append(_four(group) + BIG_UNITS[index])
        need_zero = False
    return "".join(out)


def capitals_dollars(amount):
    """With the currency words used on forms: 新臺幣壹萬零伍佰元整."""
    return f"新臺幣{capitals(amount)}元整"
