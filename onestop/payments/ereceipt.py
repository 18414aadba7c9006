"""The XML of an e-receipt of fees and charges (biên lai điện tử thu phí, lệ phí).

What a receipt must say: Decree 123/2020/NĐ-CP on invoices and documents, as amended by
Decree 70/2025/NĐ-CP (the content of a receipt: its name, form symbol and series, number,
the collecting unit's name and tax code, the fee or charge and its amount, the date, the
collector's signature), and Circular 78/2021/TT-BTC. The tax authority's own XML schema for
e-receipts (in the decision of the General Department of Taxation, now Cục Thuế, on "thành
phần chứa dữ liệu nghiệp vụ hóa đơn, chứng từ điện tử") was not found in a readable form:
this is a documented structure of the same fields (docs/receipts.md), with tag names made by
the tax authority's rule (initials of the Vietnamese words, the last word kept: SCTu for
"số chứng từ") and, for the fields its published notices share (KHMSCTu, KHCTu, SCTu, NLap,
LCTDT), the very names they use.

The data part (DLBLai, Id="data") is signed by the collecting unit with XML-DSig (enveloped,
RSA-SHA256, its certificate chain in KeyInfo), in DSCKS/TCThu, as e-invoices carry the
seller's signature.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

VERSION = "1.0.0"
# Loại chứng từ điện tử 3: "Biên lai thu thuế, phí, lệ phí không in sẵn mệnh giá theo Nghị
# định 70" (the code the tax authority's notice 04/SS-CTDT uses). Our receipts print the
# amount collected, not a face value.
DOCUMENT_TYPE = "3"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
CHARGE_LABELS = {"le_phi": "Lệ phí", "phi": "Phí", "le_phi,phi": "Phí, lệ phí"}
# TCCLQuan (tính chất của chứng từ liên quan): the receipt this one replaces.
REPLACES = "1"


@dataclass(frozen=True)
class Line:
    name: str
    charge: str  # "le_phi" or "phi"
    quantity: int
    amount: int  # VND, integer


@dataclass(frozen=True)
class ReceiptData:
    form_symbol: str
    series: str
    number: str  # as printed: 7 digits
    issued_at: datetime.datetime
    collector_name: str
    collector_tax_code: str
    collector_address: str
    payer_name: str
    charge: str
    amount: int
    amount_words: str
    method: str
    reference: str  # the payment's reference
    verify_url: str
    lines: list[Line] = field(default_factory=list)
    dossier_code: str = ""
    replaces: tuple[str, str, str, datetime.date] | None = None  # symbol, series, number, date
    refund_of: str = ""


def _add(parent: etree._Element, tag: str, text: Any = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = str(text)
    return node


def build(data: ReceiptData) -> etree._Element:
    root = etree.Element("BLai")
    body = _add(root, "DLBLai")
    body.set("Id", "data")
    common = _add(body, "TTChung")
    _add(common, "PBan", VERSION)
    _add(common, "TBLai", "Biên lai hoàn tiền" if data.refund_of
         else "Biên lai thu phí, lệ phí")
    _add(common, "LCTDT", DOCUMENT_TYPE)
    _add(common, "KHMSCTu", data.form_symbol)
    _add(common, "KHCTu", data.series)
    _add(common, "SCTu", data.number)
    _add(common, "NLap", data.issued_at.date().isoformat())
    _add(common, "TDLap", data.issued_at.isoformat(timespec="seconds"))
    _add(common, "DVTTe", "VND")
    if data.replaces is not None:
        related = _add(common, "TTCTLQuan")
        symbol, series, number, day = data.replaces
        _add(related, "TCCLQuan", REPLACES)
        _add(related, "KHMSCTCLQuan", symbol)
        _add(related, "KHCTCLQuan", series)
        _add(related, "SCTCLQuan", number)
        _add(related, "NLCTCLQuan", day.isoformat())
    content = _add(body, "NDBLai")
    collector = _add(content, "TCThu")
    _add(collector, "Ten", data.collector_name)
    _add(collector, "MST", data.collector_tax_code)
    _add(collector, "DChi", data.collector_address)
    payer = _add(content, "NNTien")
    _add(payer, "Ten", data.payer_name)
    items = _add(content, "DSKThu")
    for index, line in enumerate(data.lines, start=1):
        item = _add(items, "KThu")
        _add(item, "STT", index)
        _add(item, "Ten", line.name)
        _add(item, "LKThu", CHARGE_LABELS.get(line.charge, line.charge))
        _add(item, "SLuong", line.quantity)
        _add(item, "ThTien", line.amount)
    _add(content, "LKThu", CHARGE_LABELS.get(data.charge, data.charge))
    _add(content, "TgTien", data.amount)
    _add(content, "TgTBChu", data.amount_words)
    _add(content, "HTTToan", data.method)
    _add(content, "MTToan", data.reference)
    if data.dossier_code:
        _add(content, "MHSo", data.dossier_code)
    if data.refund_of:
        _add(content, "HTCho", data.refund_of)
    _add(content, "DCTCuu", data.verify_url)
    signatures = _add(root, "DSCKS")
    place = _add(signatures, "TCThu")
    placeholder = etree.SubElement(place, f"{{{DSIG_NS}}}Signature", nsmap={"ds": DSIG_NS})
    placeholder.set("Id", "placeholder")
    return root


def to_bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def sign(root: etree._Element, *, key: Any, chain_pem: list[str]) -> bytes:
    """The receipt XML with the collecting unit's enveloped XML-DSig over DLBLai."""
    from signxml import DigestAlgorithm, SignatureMethod, XMLSigner

    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256)
    signed = signer.sign(root, key=key, cert=chain_pem, reference_uri=["#data"])
    return to_bytes(signed)


def verify(xml: bytes, *, certificate_pem: str) -> etree._Element:
    """The signed data part, when the signature holds for the collecting unit's certificate
    (the chain itself is checked on the PDF, onestop.signatures.verify); raises signxml's
    InvalidSignature or InvalidDigest otherwise."""
    from signxml import XMLVerifier

    result = XMLVerifier().verify(xml, x509_cert=certificate_pem, expect_references=1)
    signed = result[0] if isinstance(result, list) else result
    return signed.signed_xml
