"""What only the printed forms write: quantities with two digits and the lookup link of the
receipt's QR code. Dates, times, money and working days are onestop.core.formatting, the
same for every page and document."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings


def two_digits(count: int) -> str:
    """Quantities on the forms are written with two digits: '01 bộ', '02 bản'."""
    return f"{count:02d}"


def public_lookup_url(code: str) -> str:
    """The citizen lookup page of one dossier, printed as a QR code on the receipt (form 01).

    Absolute, from settings.PUBLIC_BASE_URL, because it is read off paper by a phone.
    """
    if not code:
        raise ValueError("only a received dossier (with a code) can be looked up")
    return f"{settings.PUBLIC_BASE_URL}/tra-cuu/?{urlencode({'code': code})}"
