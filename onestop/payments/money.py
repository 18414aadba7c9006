"""Money as Vietnamese people read it: integer đồng, digits grouped, amounts in words.

Pure Python. Amounts are int VND everywhere in onestop (never floats, never Decimal cents):
the đồng has no minor unit in use.
"""

from __future__ import annotations

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu")  # then "tỷ", read recursively: 1 200 tỷ
BILLION = 1_000_000_000


def digits(amount: int) -> str:
    """'120.000': Vietnamese groups thousands with dots."""
    _check(amount)
    return f"{amount:,}".replace(",", ".")


def _check(amount: int) -> None:
    if type(amount) is not int or amount < 0:
        raise ValueError("amounts are non-negative whole numbers of đồng")


def _triple(n: int, *, leading: bool) -> list[str]:
    """Words of 0 < n < 1000; a group after the first always says its hundreds."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return words
    words.append("mười" if tens == 1 else f"{_DIGITS[tens]} mươi")
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool) -> list[str]:
    words: list[str] = []
    for power in (2, 1, 0):
        value = n // 1000**power % 1000
        if value == 0:
            continue
        words += _triple(value, leading=leading and not words)
        if _GROUPS[power]:
            words.append(_GROUPS[power])
    return words


def _read(n: int, *, leading: bool) -> list[str]:
    if n < BILLION:
        return _below_billion(n, leading=leading)
    high, low = divmod(n, BILLION)
    words = [*_read(high, leading=leading), "tỷ"]
    return words + (_below_billion(low, leading=False) if low else [])


def in_words(amount: int) -> str:
    """'Một trăm hai mươi nghìn đồng' for 120000: the line written under amounts on receipts."""
    _check(amount)
    if amount == 0:
        return "Không đồng"
    text = " ".join(_read(amount, leading=True)) + " đồng"
    return text[0].upper() + text[1:]
