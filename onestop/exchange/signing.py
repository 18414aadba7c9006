"""XML-DSig for edXML (signxml): enveloped signature, X.509 certificate in KeyInfo.

The signature sits in `edXMLHeader` (a status: the SOAP header) and references the signed
parts by Id: MessageHeader, Bussiness and every Attachment (a status: Status). It leaves the
TraceHeader list out on purpose: every hop adds a TraceHeader, and a relay must not break
the sender's signature. Verification checks the chain against the trust anchors, that each
digest matches (a mismatch names the part that was changed), and that the signature covers
every part that matters: a signed header with an unsigned extra attachment is refused.
Messages signed by other systems with one whole-document reference (URI "") are accepted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext_lazy as _
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.util import X509CertChainVerifier
from signxml.verifier import SignatureConfiguration

from .edxml.build import build_tree, content_ids, to_bytes
from .edxml.errors import EdxmlError, Reason
from .edxml.model import DSIG_NS, Document, Status
from .edxml.parse import DEFAULT_MAX_BYTES, _child, _children, load, parse_tree
from .keys import Credentials


def _references(message: Document | Status) -> list[str]:
    if isinstance(message, Status):
        return ["#Status"]
    return ["#MessageHeader", "#Bussiness",
            *(f"#att-{cid}" for cid in content_ids(message))]


def sign_message(message: Document | Status, credentials: Credentials) -> bytes:
    """The message as edXML bytes with its enveloped signature."""
    root = build_tree(message, signature_place=True)
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256)
    signed = signer.sign(
        root, key=credentials.key,  # type: ignore[arg-type]  # RSA or EC keys in practice
        cert=[cert.public_bytes(serialization.Encoding.PEM).decode() for cert in credentials.chain],
        reference_uri=_references(message),
    )
    return to_bytes(signed)


@dataclass(frozen=True)
class Verified:
    message: Document | Status
    signer_subject: str
    signer_certificate: x509.Certificate


class _AnchorVerifier(X509CertChainVerifier):
    """signxml's chain check against our anchors held in memory (not a CA bundle file)."""

    def __init__(self, anchors: list[x509.Certificate], **kwargs: object) -> None:
        self._anchors = anchors
        super().__init__(ca_pem_file="(in memory)", **kwargs)  # type: ignore[arg-type]

    @property
    def store(self) -> x509.verification.Store:
        return x509.verification.Store(self._anchors)


class _Verifier(XMLVerifier):
    def __init__(self, anchors: list[x509.Certificate]) -> None:
        super().__init__()
        self._anchors = anchors

    def get_cert_chain_verifier(self, ca_pem_file: object, ee_policy: object,
                                ca_policy: object) -> X509CertChainVerifier:
        return _AnchorVerifier(self._anchors, verification_time=self._get_cert_verification_time(),
                               ee_policy=ee_policy, ca_policy=ca_policy)


def _part_name(root: etree._Element, uri: str) -> str:
    """A reader's name for the part a Reference URI points at."""
    if uri == "":
        return str(_("the whole message"))
    target = uri.lstrip("#")
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("Id") == target:
            local = etree.QName(node).localname
            if local == "Attachment":
                name = _child(node, "AttachmentName")
                return str(_("the attachment “%(name)s”") % {
                    "name": (name.text or "").strip() if name is not None else target})
            return local
    return uri


def _ids(root: etree._Element) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("Id"):
            found.setdefault(node.get("Id", ""), []).append(node)
    return found


def _must_be_signed(root: etree._Element) -> list[etree._Element]:
    """The elements a valid signature has to cover."""
    parts: list[etree._Element] = []
    envelope = _child(root, "edXMLEnvelope")
    header = _child(envelope, "edXMLHeader")
    if header is not None:
        for name in ("MessageHeader", "Status"):
            parts.extend(_children(header, name))
        parts.extend(_children(_child(header, "TraceHeaderList"), "Bussiness"))
    for encoded in _children(root, "AttachmentEncoded"):
        parts.extend(_children(encoded, "Attachment"))
    if etree.QName(root).localname == "Envelope":  # a status in a SOAP envelope
        for head in root:
            if isinstance(head.tag, str) and etree.QName(head).localname == "Header":
                parts.extend(n for n in head if isinstance(n.tag, str)
                             and etree.QName(n).localname == "Status")
    return parts


def _signing_certificate(signature: etree._Element, key: bytes) -> x509.Certificate:
    """The KeyInfo certificate whose public key made the (already verified) signature."""
    for node in signature.iter(f"{{{DSIG_NS}}}X509Certificate"):
        cert = x509.load_der_x509_certificate(base64.b64decode("".join((node.text or "").split())))
        pem = cert.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        if pem == key:
            return cert
    raise EdxmlError(Reason.BAD_SIGNATURE, _("The signing certificate is not in KeyInfo."))


def verify_message(data: bytes, *, anchors: list[x509.Certificate],
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Verified:
    """The message when its signature is present, intact and trusted; EdxmlError otherwise."""
    root = load(data, max_bytes=max_bytes)
    message = parse_tree(root, max_bytes=max_bytes)  # refuse a non-edXML message first
    signatures = list(root.iter(f"{{{DSIG_NS}}}Signature"))
    if not signatures:
        raise EdxmlError(Reason.UNSIGNED, _("The message carries no signature."))
    if len(signatures) > 1:
        raise EdxmlError(Reason.BAD_SIGNATURE, _("The message carries more than one signature."))
    if not anchors:
        raise EdxmlError(Reason.UNTRUSTED, _("No trust anchor is configured."))
    for ident, nodes in _ids(root).items():
        if len(nodes) > 1:  # two elements with one Id: the classic signature-wrapping trick
            raise EdxmlError(Reason.BAD_SIGNATURE, _("The Id “%(id)s” occurs more than once."),
                             id=ident)
    verifier = _Verifier(anchors)
    config = SignatureConfiguration(expect_references=True)
    try:
        results = verifier.verify(root, expect_config=config)
    except InvalidDigest as exc:
        # signxml: "Digest mismatch for reference N (URI)"
        text = str(exc)
        uri = text[text.find("(") + 1:text.rfind(")")] if "(" in text else ""
        index = text.split("reference", 1)[-1].split("(")[0].strip()
        raise EdxmlError(
            Reason.BAD_SIGNATURE,
            _("The digest of reference %(index)s (%(part)s) does not match: it was changed "
              "after signing."), index=index, part=_part_name(root, uri)) from exc
    except InvalidCertificate as exc:
        raise EdxmlError(Reason.UNTRUSTED,
                         _("The signing certificate is not trusted: %(detail)s"),
                         detail=str(exc)) from exc
    except (InvalidSignature, InvalidInput) as exc:
        raise EdxmlError(Reason.BAD_SIGNATURE, _("The signature is not valid: %(detail)s"),
                         detail=str(exc)) from exc
    result_list = results if isinstance(results, list) else [results]
    uris = {
        ref.get("URI", "")
        for ref in signatures[0].iter(f"{{{DSIG_NS}}}Reference")
    }
    if "" not in uris:
        for part in _must_be_signed(root):
            if f"#{part.get('Id', '')}" not in uris or not part.get("Id"):
                raise EdxmlError(Reason.BAD_SIGNATURE,
                                 _("The signature does not cover %(part)s."),
                                 part=_part_name(root, f"#{part.get('Id')}")
                                 if part.get("Id") else etree.QName(part).localname)
    cert = _signing_certificate(signatures[0], result_list[0].signature_key)
    message.signed = True
    return Verified(message=message, signer_subject=cert.subject.rfc4514_string(),
                    signer_certificate=cert)
