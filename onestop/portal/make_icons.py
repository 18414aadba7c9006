"""One-off generator of the web app icons (the PNGs are committed; run again only to redraw).

    .venv/bin/python -m onestop.portal.make_icons

Draws with Pillow (installed with WeasyPrint) so no design tool or font download is needed:
a white "1" in a white ring (one stop) on the portal's brand blue. `icon-<size>.png` have
rounded transparent corners (purpose "any"); `maskable-512.png` fills the whole square and
keeps the mark inside the central 80 % circle that launchers may crop to (purpose
"maskable", https://www.w3.org/TR/appmanifest/#icon-masks).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = "#0b5cad"  # --brand in portal.css
WHITE = "#ffffff"
OUT = Path(__file__).resolve().parent / "static" / "portal" / "icons"
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _mark(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """The ring and the "1", centred, within `scale` of the side."""
    c = size / 2
    r = size * scale / 2
    ring = max(2, round(size * 0.045 * scale / 0.62))
    draw.ellipse((c - r, c - r, c + r, c + r), outline=WHITE, width=ring)
    font = _font(round(r * 1.25))
    draw.text((c, c), "1", fill=WHITE, font=font, anchor="mm")


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    # Drawn 4x larger and scaled down: Pillow does not antialias shapes.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BRAND)
        _mark(draw, big, 0.56)  # well inside the 80 % safe circle
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.18), fill=BRAND)
        _mark(draw, big, 0.68)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    # iOS ignores the manifest's icons and wants an opaque square.
    icon(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    icon(32).save(OUT / "favicon-32.png", optimize=True)


if __name__ == "__main__":
    main()
