"""Invisible characters removed from typed and imported text."""

import unicodedata

# Tabs and line breaks are the only control characters a person means to type.
KEPT_CONTROLS = frozenset("\t\n\r")
# Line and paragraph separators look like nothing on screen but break CSV files and sheets.
SEPARATORS = {"\u2028": " ", "\u2029": " "}


def strip_invisible(text):
    """Text without format characters (zero-width spaces and joiners, bidi controls, BOM,
    soft hyphens) or control characters; anything that is not a string is returned as is.
    Private-use characters stay: household registers write rare names with them."""
    if not isinstance(text, str) or text.isprintable():
        return text
    kept = []
    for char in text:
        if char in KEPT_CONTROLS:
            kept.append(char)
        elif char in SEPARATORS:
            kept.append(SEPARATORS[char])
        elif unicodedata.category(char) not in ("Cf", "Cc"):
            kept.append(char)
    return "".join(kept)
