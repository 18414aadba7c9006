"""PAdES signatures with pyHanko: a visible box and a B-LT signature (chain and revocation
information embedded), with an RFC 3161 timestamp when a TSA is configured.

Decree 30/2020/NĐ-CP, Appendix I (electronic documents): the digital signature of the person
with authority shows where the handwritten one would stand, between the signer's position
and name; the information shown is the signer (or the agency, for a unit's signature) and
the signing time as date, hours, minutes and seconds with the Vietnam time zone (ISO 8601),
in Times New Roman (Liberation Serif is metric-compatible), in blue.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from .errors import SigningRefused
from .keys import KeyHandle, run
from .layout import DEFAULT_SLOT, Slot
from .trust import signature_dir, validation_context

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
BLUE = (0.0, 0.2, 0.6)
FONT_SIZE = 10  # Decree 30/2020 Appendix I: the signature information in size 10


@dataclass(frozen=True)
class Appearance:
    """What the visible signature says (official Vietnamese, whatever the screen language)."""

    name: str
    position: str
    agency: str
    reason: str
    personal: bool = True  # False: the agency's own signature (a receipt)

    def lines(self, at: datetime.datetime) -> str:
        moment = at.astimezone(VN_TZ).isoformat(timespec="seconds")
        if self.personal:
            head = [f"Ký bởi: {self.name}", f"{self.position}, {self.agency}" if self.position
                    else self.agency]
        else:
            head = [f"Ký bởi: {self.agency}"]
        return "\n".join([*head, f"Thời gian ký: {moment}"])


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    timestamped: bool


# What the box prints: ASCII, the Vietnamese letters (Latin-1 vowels with their marks, Ă Đ Ĩ
# Ũ Ơ Ư, Latin Extended Additional's U+1EA0–U+1EF9), the combining tone marks, a few
# punctuation signs. Small enough to embed whole in every signature (see _FontFactory).
VIETNAMESE_RANGES = [
    *range(0x20, 0x7F), 0xA0, *[ord(c) for c in "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"],
    *[ord(c) for c in "ĂăĐđĨĩŨũƠơƯư"], *range(0x300, 0x305), 0x309, 0x323,
    *range(0x1EA0, 0x1EFA), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x20AB,
]


@cache
def _font_path() -> str:
    """A subset of the serif font with what Vietnamese needs, made once per installation.

    pyHanko parses the whole font for every signature box; Liberation Serif's 2,600 glyphs
    took most of a signature's time, the ~600 kept here a fraction of it. The subset is also
    rescaled to 1,000 units per em: pyHanko writes glyph widths in font units, which PDF
    readers take as thousandths of an em, so a 2,048-unit TrueType font came out with its
    letters spread twice as wide.
    """
    source = next((c for c in FONT_CANDIDATES if Path(c).exists()), None)
    if source is None:
        raise SigningRefused(_("No font for the visible signature is installed "
                               "(Debian: fonts-liberation2)."))
    cache_dir = signature_dir() / "cache"
    target = cache_dir / f"{Path(source).stem}-vn-1000.ttf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib.scaleUpem import scale_upem

        options = subset.Options()
        options.layout_features = ["*"]  # keep mark positioning for stacked diacritics
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: pyHanko's subsetter warns
        font = subset.load_font(source, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=VIETNAMESE_RANGES)
        subsetter.subset(font)
        scale_upem(font, 1000)
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".ttf")
        os.close(handle)
        subset.save_font(font, temporary, options)
        os.replace(temporary, target)  # several processes may race; each writes whole
    return str(target)


class _WholeFontAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator without its per-signature subsetting.

    pyHanko subsets the font and re-encodes it for every signature box (a fifth of a
    signature's time, measured with pyinstrument); the font here is already the small
    Vietnamese subset, so it is embedded whole from bytes encoded once per process.
    """

    def __init__(self, *args: Any, font_stream: bytes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cidfont = self.cidfont_obj

        def set_font_file(writer: Any) -> Any:
            stream = generic.StreamObject(stream_data=font_stream)
            stream.compress()
            ref = writer.add_object(stream)
            cidfont._font_descriptor[generic.pdf_name("/FontFile2")] = ref
            return ref

        cidfont.set_font_file = set_font_file  # type: ignore[method-assign]

    def _extract_subset(self, options: Any = None) -> None:
        return None


@dataclass(frozen=True)
class _FontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        with open(self.font_file, "rb") as handle:
            return _WholeFontAccumulator(
                writer=writer, font_handle=io.BytesIO(handle.read()),
                font_size=self.font_size, obj_stream=obj_stream,
                font_stream=_font_bytes(self.font_file))


@cache
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


@cache
def _style() -> TextStampStyle:
    return TextStampStyle(
        stamp_text="%(lines)s",
        text_box_style=TextBoxStyle(
            font=_FontFactory(_font_path(), font_size=FONT_SIZE),
            font_size=FONT_SIZE, leading=12, text_color=BLUE),
        border_width=1,
    )


def _reserve(handle: KeyHandle, *, timestamped: bool) -> int:
    """Room for the CMS signature in the file, so pyHanko need not make a trial signature
    to measure it (it did, for every signature): the certificates, the signature value and
    the signed attributes, with a wide margin, and a timestamp token when a TSA is used."""
    certificates = sum(len(c.dump()) for c in [handle.asn1_certificate, *handle.asn1_chain])
    return 8192 + 2 * certificates + (16384 if timestamped else 0)


def _next_field_name(pdf: bytes) -> str:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return f"Signature{len(reader.embedded_signatures) + 1}"


def _page_index(pdf: bytes, slot: Slot) -> int:
    if slot.page >= 0:
        return slot.page
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return int(reader.root["/Pages"]["/Count"]) - 1


async def _sign(pdf: bytes, *, handle: KeyHandle, appearance: Appearance, slot: Slot,
                at: datetime.datetime) -> Signed:
    name = _next_field_name(pdf)
    meta = PdfSignatureMetadata(
        field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=appearance.reason, location=settings.ONESTOP_CITY_PLACE,
        name=appearance.name if appearance.personal else appearance.agency,
        # B-LT: the chain and the revocation information found for it go into the document's
        # security store, so the signature can be checked later without the network.
        embed_validation_info=True,
        validation_context=validation_context(other_certs=handle.asn1_chain),
    )
    tsa_url = settings.ONESTOP_SIGNATURE_TSA_URL
    timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
    x1, y1, x2, y2 = (round(v) for v in slot.box)
    field_spec = fields.SigFieldSpec(name, on_page=_page_index(pdf, slot), box=(x1, y1, x2, y2))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    async with handle.pyhanko() as signer:
        pdf_signer = PdfSigner(meta, signer=signer, timestamper=timestamper,
                               stamp_style=_style(), new_field_spec=field_spec)
        out = await pdf_signer.async_sign_pdf(
            writer, bytes_reserved=_reserve(handle, timestamped=timestamper is not None),
            appearance_text_params={"lines": appearance.lines(at)})
    return Signed(pdf=out.getvalue(), timestamped=timestamper is not None)


def sign_pdf(pdf: bytes, *, handle: KeyHandle, appearance: Appearance, slot: Slot | None,
             at: datetime.datetime) -> Signed:
    """Sign `pdf` with the key behind `handle`; the visible box goes into `slot`."""
    return run(_sign(pdf, handle=handle, appearance=appearance, slot=slot or DEFAULT_SLOT,
                     at=at))
