"""Text folding for search: Vietnamese without diacritics, case or extra spaces.

Citizens type "dang ky khai sinh", "Đăng ký khai sinh" or "ĐĂNG KÝ KHAI SINH" and mean the
same procedure. Databases disagree on accent- and case-insensitive matching (SQLite's
LIKE folds ASCII case only; PostgreSQL needs the unaccent extension), so we fold in Python
once, store the folded text in a column, and compare folded with folded: the same answer on
every database.
"""

from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own, not d with a combining mark: NFD leaves them alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str | None) -> str:
    """Lower-case ASCII-ish text: NFD, combining marks dropped, đ→d, whitespace collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # casefold after stripping marks: "ß" and similar still fold; split() collapses all
    # whitespace (tabs, new lines, non-breaking spaces).
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


def fold_tokens(text: str | None) -> list[str]:
    """The distinct folded words of a query, in order (empty words dropped)."""
    seen: dict[str, None] = {}
    for token in fold(text).split(" "):
        if token:
            seen.setdefault(token, None)
    return list(seen)
