"""Taiwan national ID and resident certificate numbers: normalise, check, mask."""

import random
import re
import unicodedata

LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17,
    "I": 34, "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23,
    "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30,
    "Y": 31, "Z": 33,
}
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
_SHAPE = re.compile(r"^[A-Z][12890ABCD]\d{8}$")


class InvalidIdNumber(ValueError):
    """Raised with a code: 'empty', 'format' or 'checksum'."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def normalise(raw):
    """Trim, fold full-width to half-width, drop inner spaces and upper-case."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"[\s\-]", "", text).upper()


def kind(number):
    """'national', 'resident_new' or 'resident_old' for a normalised number."""
    second = number[1]
    if second in "12":
        return "national"
    if second in "89":
        return "resident_new"
    return "resident_old"


def _digits(number):
    letter = LETTER_CODES[number[0]]
    second = number[1]
    second_digit = LETTER_CODES[second] % 10 if second.isalpha() else int(second)
    return [letter // 10, letter % 10, second_digit] + [int(c) for c in number[2:]]


def checksum_ok(number):
    """True when the weighted digit sum is divisible by 10."""
    total = sum(d * w for d, w in zip(_digits(number), WEIGHTS, strict=True))
    return total % 10 == 0


def validate(raw):
    """Return the normalised number or raise InvalidIdNumber."""
    number = normalise(raw)
    if not number:
        raise InvalidIdNumber("empty")
    if not _SHAPE.match(number):
        raise InvalidIdNumber("format")
    if not checksum_ok(number):
        raise InvalidIdNumber("checksum")
    return number


def is_valid(raw):
    try:
        validate(raw)
    except InvalidIdNumber:
        return False
    return True


def sex_of(number):
    """'M' or 'F' from the second character, None when it does not say."""
    second = number[1]
    if second in "18AC":
        return "M"
    if second in "29BD":
        return "F"
    return None


def mask(number, keep=6, char="*"):
    """Show the first `keep` characters and hide the rest (E12345****)."""
    if not number:
        return ""
    keep = max(0, min(keep, len(number)))
    return number[:keep] + char * (len(number) - keep)


def generate(letter=None, sex="M", rng=random, resident=False):
    """A random number with a valid checksum (for demo data and tests)."""
    letter = letter or rng.choice("ES")
    second = ("8" if sex == "M" else "9") if resident else ("1" if sex == "M" else "2")
    body = [rng.randint(0, 9) for _ in range(7)]
    partial = _digits(letter + second + "".join(map(str, body)) + "0")
    total = sum(d * w for d, w in zip(partial, WEIGHTS, strict=True))
    check = (10 - total % 10) % 10
    return letter + second + "".join(map(str, body)) + str(check)
