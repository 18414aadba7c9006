"""VietQR (NAPAS, EMVCo merchant-presented QR) payloads: encode, decode, check.

Pure Python, no Django: the command line, the payment pages, the tests and the market QR
sheets all use this one codec. See docs/domain.md §9 and docs/payments.md.

A payload is a sequence of fields, each ID (2 digits) + length (2 digits) + value. EMVCo
(QRCPS Merchant-Presented Mode §4.1) fixes only two places: the payload format (00) comes
first and the CRC (63) last; the other fields may come in any order, and a wallet may add
fields VietQR does not use (merchant category 52, name 59, city 60, the templates 80–99, …).
`decode` reads them all and reports the ones it does not model in `other_fields`, instead of
refusing the code. `encode` writes the fields in ascending ID order (00, 01, 38, 53, 54, 58,
62, 63), as NAPAS' own generators do. The CRC (63) is CRC-16/CCITT-FALSE over everything
before it including "6304", four upper-case hex digits.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

GUID = "A000000727"  # NAPAS' application identifier in field 38
SERVICE_ACCOUNT = "QRIBFTTA"  # transfer to an account number
SERVICE_CARD = "QRIBFTTC"  # transfer to a card number
CURRENCY_VND = "704"  # ISO 4217 numeric
COUNTRY = "VN"
STATIC = "11"
DYNAMIC = "12"
PURPOSE_MAX = 25  # VietQR: purpose of transfer, ASCII without diacritics, at most 25 chars
TEXT_MAX = 25  # bill number and reference share the same bound in bank apps

_BIN_RE = re.compile(r"^[0-9]{6}\Z")
_ACCOUNT_RE = re.compile(r"^[0-9A-Za-z]{1,19}\Z")
_AMOUNT_RE = re.compile(r"^[1-9][0-9]{0,12}\Z")  # EMVCo: at most 13 characters; VND has no cents
_PRINTABLE_RE = re.compile(r"^[\x20-\x7e]*\Z")
# đ/Đ are letters of their own, not d with a combining mark: NFD leaves them alone.
_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


class VietQRError(ValueError):
    """A payload that is malformed, has a bad CRC, or fields out of bounds."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no xor-out."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def crc_hex(text: str) -> str:
    return f"{crc16_ccitt_false(text.encode('ascii')):04X}"


def to_ascii(text: str) -> str:
    """Vietnamese folded to printable ASCII, case kept: 'Ủng hộ lũ lụt' → 'Ung ho lu lut'.

    Banks' apps show field 62 as typed and many reject non-ASCII there.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    printable = "".join(c if " " <= c <= "~" else " " for c in stripped)
    return " ".join(printable.split())


def fit_purpose(text: str, limit: int = PURPOSE_MAX) -> str:
    """A purpose folded to ASCII and cut to the limit at a word boundary when possible."""
    folded = to_ascii(text)
    if len(folded) <= limit:
        return folded
    cut = folded[:limit]
    if " " in cut and folded[limit] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip()


@dataclass(frozen=True)
class VietQR:
    """The fields of a VietQR transfer payload (field 62 sub-fields included)."""

    bin: str  # acquirer (bank) BIN, 6 digits
    account: str  # account or card number
    service: str = SERVICE_ACCOUNT
    amount: int | None = None  # integer VND; None for a static QR
    bill_number: str = ""  # 62.01
    reference: str = ""  # 62.05
    purpose: str = ""  # 62.08
    # Point of initiation as read from a payload; None derives it from the amount.
    initiation: str | None = field(default=None, compare=False)
    # Fields a decoded payload carried that VietQR does not use, in payload order, as
    # (ID, value); sub-fields as "62.07" or "38.03". Never written by encode.
    other_fields: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def dynamic(self) -> bool:
        return (self.initiation or (DYNAMIC if self.amount is not None else STATIC)) == DYNAMIC

    def to_json(self) -> str:
        data = asdict(self)
        data["initiation"] = DYNAMIC if self.dynamic else STATIC
        data["other_fields"] = [{"id": tag, "name": field_name(tag), "value": value}
                                for tag, value in self.other_fields]
        return json.dumps(data, ensure_ascii=False, indent=2)


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def _check_text(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise VietQRError(f"{name} is longer than {limit} characters")
    if not _PRINTABLE_RE.match(value):
        raise VietQRError(f"{name} must be ASCII without diacritics")


def validate(qr: VietQR) -> None:
    if not _BIN_RE.match(qr.bin):
        raise VietQRError("the bank BIN must be 6 digits")
    if not _ACCOUNT_RE.match(qr.account):
        raise VietQRError("the account must be 1 to 19 letters or digits")
    if qr.service not in (SERVICE_ACCOUNT, SERVICE_CARD):
        raise VietQRError(f"the service must be {SERVICE_ACCOUNT} or {SERVICE_CARD}")
    if qr.amount is not None:
        if type(qr.amount) is not int or not _AMOUNT_RE.match(str(qr.amount)):
            raise VietQRError("the amount must be a positive whole number of đồng (≤ 13 digits)")
    if qr.initiation not in (None, STATIC, DYNAMIC):
        raise VietQRError("the point of initiation must be 11 or 12")
    _check_text("the bill number", qr.bill_number, TEXT_MAX)
    _check_text("the reference", qr.reference, TEXT_MAX)
    _check_text("the purpose", qr.purpose, PURPOSE_MAX)


def encode(qr: VietQR) -> str:
    validate(qr)
    beneficiary = _tlv("00", qr.bin) + _tlv("01", qr.account)
    merchant = _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", qr.service)
    parts = [
        _tlv("00", "01"),
        _tlv("01", DYNAMIC if qr.dynamic else STATIC),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if qr.amount is not None:
        parts.append(_tlv("54", str(qr.amount)))
    parts.append(_tlv("58", COUNTRY))
    extra = ""
    if qr.bill_number:
        extra += _tlv("01", qr.bill_number)
    if qr.reference:
        extra += _tlv("05", qr.reference)
    if qr.purpose:
        extra += _tlv("08", qr.purpose)
    if extra:
        parts.append(_tlv("62", extra))
    body = "".join(parts) + "6304"
    return body + crc_hex(body)


def parse_tlv(text: str, *, where: str = "payload") -> list[tuple[str, str]]:
    """Split a TLV string into (ID, value) pairs, in the order they come; an ID may appear
    once only."""
    fields: list[tuple[str, str]] = []
    seen: set[str] = set()
    i = 0
    while i < len(text):
        head = text[i:i + 4]
        if len(head) < 4 or not head.isdigit() or not head.isascii():
            raise VietQRError(f"malformed field header at position {i} of the {where}")
        tag, length = head[:2], int(head[2:])
        value = text[i + 4:i + 4 + length]
        if len(value) != length or length == 0:
            raise VietQRError(f"field {tag} of the {where} is cut short or empty")
        if tag in seen:
            raise VietQRError(f"field {tag} of the {where} is repeated")
        seen.add(tag)
        fields.append((tag, value))
        i += 4 + length
    return fields


# EMVCo QRCPS-MPM v1.1 §4.2 and §4.8 (data objects and the additional data template):
# names for the fields VietQR does not model, so a decoded wallet code reads plainly.
_TOP_NAMES = {
    "52": "merchant category code", "55": "tip or convenience indicator",
    "56": "convenience fee (fixed)", "57": "convenience fee (percentage)",
    "59": "merchant name", "60": "merchant city", "61": "postal code",
    "64": "merchant information, alternate language",
}
_EXTRA_NAMES = {
    "02": "mobile number", "03": "store label", "04": "loyalty number",
    "06": "customer label", "07": "terminal label", "09": "additional consumer data request",
}


def field_name(tag: str) -> str:
    """What EMVCo calls a field ("59", or a sub-field such as "62.07")."""
    parent, _dot, sub = tag.rpartition(".")
    if parent == "62":
        if sub in _EXTRA_NAMES:
            return _EXTRA_NAMES[sub]
        return "payment system specific template" if sub >= "50" else "reserved for future use"
    if parent:
        return f"sub-field of {parent}"
    if tag in _TOP_NAMES:
        return _TOP_NAMES[tag]
    if "02" <= tag <= "51":
        return "merchant account information"
    if tag >= "80":
        return "unreserved template"
    return "reserved for future use"


def _expect(fields: dict[str, str], tag: str, value: str, name: str) -> None:
    if fields.get(tag) != value:
        raise VietQRError(f"field {tag} ({name}) must be {value!r}")


MODELLED_TOP = {"00", "01", "38", "53", "54", "58", "62", "63"}
MODELLED_EXTRA = {"01", "05", "08"}


def decode(payload: str) -> VietQR:
    """Check the CRC first (any changed character is caught there), then the structure.

    Fields other than 00 (first) and 63 (last) may come in any order; fields VietQR does not
    use are kept in `other_fields`, not refused.
    """
    if not payload.isprintable():
        raise VietQRError("the payload must be printable text")
    if len(payload) < 12 or payload[-8:-4] != "6304":
        raise VietQRError("the payload must end with the CRC field 6304XXXX")
    body, crc = payload[:-4], payload[-4:]
    if not re.fullmatch(r"[0-9A-F]{4}", crc):
        raise VietQRError("the CRC must be four upper-case hex digits")
    # EMVCo §4.7.2: the CRC is computed over the payload's bytes (UTF-8 where a wallet puts
    # non-ASCII text in field 64).
    expected = f"{crc16_ccitt_false(body.encode('utf-8')):04X}"
    if crc != expected:
        raise VietQRError(f"bad CRC: the payload says {crc}, its content gives {expected}")
    top = parse_tlv(payload)
    if top[0][0] != "00":
        raise VietQRError("field 00 (payload format) must come first")
    if top[-1] != ("63", crc):
        raise VietQRError("field 63 (CRC) must come last")
    fields = dict(top)
    _expect(fields, "00", "01", "payload format")
    initiation = fields.get("01")
    if initiation not in (None, STATIC, DYNAMIC):
        raise VietQRError("field 01 (point of initiation) must be 11 or 12")
    _expect(fields, "53", CURRENCY_VND, "currency")
    _expect(fields, "58", COUNTRY, "country")
    others = [(tag, value) for tag, value in top if tag not in MODELLED_TOP]
    if "38" not in fields:
        raise VietQRError("field 38 (merchant account) is missing")
    merchant_fields = parse_tlv(fields["38"], where="field 38")
    merchant = dict(merchant_fields)
    if not {"00", "01", "02"} <= set(merchant):
        raise VietQRError("field 38 must hold sub-fields 00, 01 and 02")
    _expect(merchant, "00", GUID, "GUID")
    others += [(f"38.{tag}", value) for tag, value in merchant_fields
               if tag not in ("00", "01", "02")]
    beneficiary = dict(parse_tlv(merchant["01"], where="field 38.01"))
    if set(beneficiary) != {"00", "01"}:
        raise VietQRError("field 38.01 must hold the bank BIN (00) and the account (01)")
    amount_text = fields.get("54")
    if amount_text is not None and not _AMOUNT_RE.match(amount_text):
        raise VietQRError("field 54 (amount) must be a positive whole number of đồng")
    extra_fields = parse_tlv(fields["62"], where="field 62") if "62" in fields else []
    extra = dict(extra_fields)
    others += [(f"62.{tag}", value) for tag, value in extra_fields
               if tag not in MODELLED_EXTRA]
    qr = VietQR(
        bin=beneficiary["00"], account=beneficiary["01"], service=merchant["02"],
        amount=int(amount_text) if amount_text is not None else None,
        bill_number=extra.get("01", ""), reference=extra.get("05", ""),
        purpose=extra.get("08", ""), initiation=initiation, other_fields=tuple(others),
    )
    validate(qr)
    return qr
