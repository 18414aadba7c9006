"""QR codes for printed documents, drawn with segno (pure Python, no Pillow needed).

Printed forms carry the QR as an SVG data URI: it stays sharp at any print resolution and
WeasyPrint embeds it as vector graphics, so a receipt printed on an office laser printer
still scans.
"""

from __future__ import annotations

import segno

# Level M (about 15% recovery) survives a creased or slightly smudged paper slip while
# keeping the symbol small enough for a corner of an A4 form.
ERROR_LEVEL = "m"


def qr_svg_data_uri(payload: str, *, scale: int = 4, border: int = 2) -> str:
    """The QR code for `payload` as a `data:image/svg+xml` URI for an <img> tag.

    Always a full QR symbol (never a Micro QR, which many phone cameras cannot read).
    `border` is the quiet zone in modules; 2 is enough on a white page with a margin.
    """
    if not payload:
        raise ValueError("a QR code needs a payload")
    code = segno.make_qr(payload, error=ERROR_LEVEL)
    return code.svg_data_uri(scale=scale, border=border, dark="#000", light="#fff")


def qr_svg(payload: str, *, scale: int = 4, border: int = 2) -> str:
    """The same QR code as an inline <svg> element (for HTML pages)."""
    if not payload:
        raise ValueError("a QR code needs a payload")
    code = segno.make_qr(payload, error=ERROR_LEVEL)
    return code.svg_inline(scale=scale, border=border, dark="#000", light="#fff")
