"""Card text is data: it never becomes a formula, markup or an invalid XML character."""

import re

#: Characters XML 1.0 cannot hold (Word and Excel files are XML); tab, line feed and CR can stay.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: A cell starting with one of these is read as a formula by Excel and LibreOffice (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(text: str | None) -> str:
    """Return the text without characters an XML document cannot contain."""
    return _NOT_XML.sub("", text or "")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take this cell text for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_cell(text: str | None) -> str:
    """Return cell text for CSV: a formula-like text gets an apostrophe in front (OWASP)."""
    text = plain(text)
    return "'" + text if looks_like_formula(text) else text
