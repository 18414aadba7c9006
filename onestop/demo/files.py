"""Small generated PDFs for the demo: a page behind every submitted document, supplement and
form template, so an officer opens what they review (results are the signed PDFs the
approvals make).

Each page says in large letters that it is demo data. Pillow draws it with DejaVu (which
has every Vietnamese letter) and writes it as a one-page PDF; one page per title is drawn
once and reused (about 30 ms each), so loading the demo stays quick.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils.text import slugify

from onestop.core.text import fold

FONTS = Path("/usr/share/fonts/truetype/dejavu")
A4 = (595, 842)  # points at 72 dpi
BANNER = "DỮ LIỆU MẪU – CHỈ DÙNG ĐỂ TRÌNH DIỄN"
BANNER_EN = "DEMO DATA – FOR DEMONSTRATION ONLY"


def _font(bold: bool, size: int) -> Any:
    from PIL import ImageFont

    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:  # no DejaVu installed: Pillow's own font (accents may be missing)
        return ImageFont.load_default(size)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if len(line) + len(word) + 1 > width and line:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


@lru_cache(maxsize=512)
def demo_pdf(title: str, subtitle: str = "") -> bytes:
    """A one-page A4 PDF titled `title`, marked as demo data."""
    from PIL import Image, ImageDraw

    image = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, A4[0] - 30, 96), outline=90, width=2)
    draw.text((A4[0] // 2, 52), BANNER, font=_font(True, 15), fill=70, anchor="mm")
    draw.text((A4[0] // 2, 76), BANNER_EN, font=_font(False, 11), fill=90, anchor="mm")
    y = 140
    for line in _wrap(title, 38):
        draw.text((50, y), line, font=_font(True, 20), fill=0)
        y += 30
    y += 10
    for line in _wrap(subtitle, 60):
        draw.text((50, y), line, font=_font(False, 13), fill=40)
        y += 22
    draw.text((50, A4[1] - 60), "onestop · Cần Thơ (demo)", font=_font(False, 10), fill=110)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=72)
    return out.getvalue()


def demo_file(title: str, subtitle: str = "") -> ContentFile[bytes]:
    """`demo_pdf` as a file to hand to a service (a fresh object each time)."""
    name = slugify(fold(title))[:50] or "tai-lieu"
    return ContentFile(demo_pdf(title, subtitle), name=f"{name}-demo.pdf")
