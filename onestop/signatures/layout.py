"""Where the visible signature goes on a page made from HTML.

A form marks the place with an empty element `<div id="signature-slot">` sized in its CSS
(templates/signatures/_slot.html, included where Decree 30/2020/NĐ-CP puts the signature:
between the signer's position and name). `render_with_slot` renders the HTML with WeasyPrint
and returns the PDF with the slot's rectangle in PDF points, ready for pyHanko. A document
without a slot (an uploaded PDF) gets the default box at the bottom right of its last page.
"""

from __future__ import annotations

from dataclasses import dataclass

SLOT_ID = "signature-slot"
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in points


@dataclass(frozen=True)
class Slot:
    page: int  # 0-based; -1 means the last page
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in points from the bottom left


# 70 mm × 24 mm above a 25 mm bottom margin, right of a 30 mm left margin (Decree 30 look).
DEFAULT_SLOT = Slot(page=-1, box=(300.0, 90.0, 498.0, 158.0))


def render_with_slot(html: str, *, base_url: str) -> tuple[bytes, Slot | None]:
    import weasyprint  # loads Pango: only where a document is rendered

    document = weasyprint.HTML(string=html, base_url=base_url).render()
    slot = None
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get(SLOT_ID)
        if anchor is not None:
            x1, y1, x2, y2 = anchor
            slot = Slot(page=index, box=(x1 * PX_TO_PT, (page.height - y2) * PX_TO_PT,
                                         x2 * PX_TO_PT, (page.height - y1) * PX_TO_PT))
            break
    return document.write_pdf(), slot
