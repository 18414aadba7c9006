"""Read edXML bytes into a Document or Status, accepting what real systems send.

Tolerated, because the national platform's SDK samples and the systems around it do all of
it: the same namespace bound as default and as `edXML:` in one file; `AttachmentEncoded`
with or without the prefix (or with no namespace at all); `cid:` on some ContentIds and not
on others; attachments zipped for transport; status messages inside a SOAP envelope.

Refused, with a reason (errors.Reason): bytes over the size limit, XML that is not
well-formed or carries a DOCTYPE (entities are never expanded, nothing is fetched), and
messages that lack what QCVN 102:2016 requires.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from lxml import etree

from .build import LOCAL_TZ, SIGNATURE_PLACEHOLDER, local_timestamp
from .errors import EdxmlError, Reason, invalid, missing
from .model import (
    DSIG_NS,
    EDXML_NS,
    SOAP_NS,
    SUBJECT_MAX,
    Attachment,
    BusinessType,
    Document,
    Organ,
    Signer,
    Status,
    StatusCode,
    TraceHeader,
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Namespaces an edXML element may come in: its own, or none (some senders drop it).
_OWN = {EDXML_NS, ""}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           remove_comments=False, huge_tree=False)


def load(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """The root element of `data`, or EdxmlError (too large, not well-formed, a DOCTYPE)."""
    if len(data) > max_bytes:
        raise EdxmlError(Reason.TOO_LARGE,
                         _("The message is %(size)d bytes; at most %(limit)d are accepted."),
                         size=len(data), limit=max_bytes)
    try:
        tree = etree.parse(io.BytesIO(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise EdxmlError(Reason.MALFORMED, _("The message is not well-formed XML: %(detail)s"),
                         detail=str(exc)) from exc
    if tree.docinfo.doctype:
        raise EdxmlError(Reason.MALFORMED, _("A message may not carry a DOCTYPE."))
    return tree.getroot()


def _ns(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(parent: etree._Element | None, name: str,
              namespaces: set[str] = _OWN) -> Iterator[etree._Element]:
    if parent is None:
        return
    for child in parent:
        if isinstance(child.tag, str) and _local(child) == name and _ns(child) in namespaces:
            yield child


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(parent, name), None)


def _text(parent: etree._Element | None, *path: str) -> str:
    node = parent
    for name in path:
        node = _child(node, name)
        if node is None:
            return ""
    return (node.text or "").strip() if node is not None else ""


def _required(parent: etree._Element | None, *path: str) -> str:
    value = _text(parent, *path)
    if not value:
        raise missing("/".join(path))
    return value


def parse_date(value: str, element: str) -> datetime.date:
    """`YYYY/MM/DD` (the standard), also `YYYY-MM-DD` and a trailing time, as senders write."""
    head = value.strip()[:10].replace("-", "/")
    try:
        return datetime.datetime.strptime(head, "%Y/%m/%d").date()
    except ValueError as exc:
        raise invalid(element, value) from exc


def parse_timestamp(value: str, element: str) -> datetime.datetime:
    """`YYYY/MM/DD HH:MM:SS` in Vietnamese local time (or ISO 8601 with a zone) → aware."""
    text = value.strip()
    for form in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(text, form).replace(tzinfo=LOCAL_TZ)
        except ValueError:
            continue
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise invalid(element, value) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


def _int(value: str, element: str, default: int = 0) -> int:
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise invalid(element, value) from exc


def _organ(node: etree._Element | None, element: str) -> Organ:
    organ_id = _text(node, "OrganId")
    if not organ_id:
        raise missing(f"{element}/OrganId")
    return Organ(
        organ_id=organ_id, organ_name=_text(node, "OrganName"),
        organization_in_charge=_text(node, "OrganizationInCharge"),
        organ_add=_text(node, "OrganAdd"), email=_text(node, "Email"),
        telephone=_text(node, "Telephone"), fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _is_signed(root: etree._Element) -> bool:
    for node in root.iter(f"{{{DSIG_NS}}}Signature"):
        if node.get("Id") != SIGNATURE_PLACEHOLDER:
            return True
    return False


def _bare_cid(value: str) -> str:
    value = value.strip().strip("<>")
    return value[4:] if value.lower().startswith("cid:") else value


def _decode(encoded: str, name: str, max_bytes: int) -> tuple[bytes, bool]:
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid(f"Attachment[{name}]/ContentTransferEncoded", encoded[:20]) from exc
    # The national SDK zips each file for transport: unwrap a ZIP holding exactly one file,
    # unless the attachment is itself named as a ZIP.
    if raw[:4] == b"PK\x03\x04" and not name.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                entries = [info for info in archive.infolist() if not info.is_dir()]
                if len(entries) == 1:
                    if entries[0].file_size > max_bytes:
                        raise EdxmlError(
                            Reason.TOO_LARGE,
                            _("The attachment %(name)s unpacks to more than %(limit)d bytes."),
                            name=name, limit=max_bytes)
                    return archive.read(entries[0]), True
        except zipfile.BadZipFile:
            pass
    return raw, False


def _attachments(root: etree._Element, manifest: etree._Element | None,
                 max_bytes: int) -> list[Attachment]:
    described: dict[str, etree._Element] = {}
    for reference in _children(manifest, "Reference"):
        cid = _text(reference, "ContentId") or reference.get(
            "{http://www.w3.org/1999/xlink}href", "")
        described[_bare_cid(cid)] = reference
    result = []
    for encoded in _children(root, "AttachmentEncoded"):
        for node in _children(encoded, "Attachment"):
            cid = _bare_cid(_text(node, "ContentId"))
            reference = described.get(cid)
            name = _text(node, "AttachmentName") or _text(reference, "AttachmentName")
            if not name:
                raise missing("Attachment/AttachmentName")
            content_type = (_text(node, "ContentType") or _text(reference, "ContentType")
                            or "application/octet-stream")
            if _child(node, "ContentTransferEncoded") is None:
                raise missing("Attachment/ContentTransferEncoded")
            data, zipped = _decode(_text(node, "ContentTransferEncoded"), name, max_bytes)
            result.append(Attachment(
                name=name, content_type=content_type, data=data, content_id=cid,
                description=_text(node, "Description") or _text(reference, "Description"),
                zipped=zipped,
            ))
    return result


def _document(root: etree._Element, header: etree._Element, envelope: etree._Element,
              max_bytes: int) -> Document:
    message = _child(header, "MessageHeader")
    if message is None:
        raise missing("edXMLHeader/MessageHeader")
    recipients = [_organ(node, "To") for node in _children(message, "To")]
    if not recipients:
        raise missing("MessageHeader/To")
    subject = _required(message, "Subject")
    if len(subject) > SUBJECT_MAX:
        raise EdxmlError(Reason.INVALID,
                         _("The subject has %(length)d characters; at most %(limit)d are allowed."),
                         length=len(subject), limit=SUBJECT_MAX)
    traces_node = _child(header, "TraceHeaderList")
    traces = [
        TraceHeader(organ_id=_text(node, "OrganId"),
                    timestamp=parse_timestamp(_required(node, "Timestamp"),
                                              "TraceHeader/Timestamp"))
        for node in _children(traces_node, "TraceHeader")
    ]
    business = _child(traces_node, "Bussiness")
    if business is None:  # a few senders fix the spelling
        business = _child(traces_node, "Business")
    kind_text = _text(business, "BussinessDocType") or _text(business, "BusinessDocType")
    kind = _int(kind_text, "Bussiness/BussinessDocType")
    if kind not in set(BusinessType):
        raise invalid("Bussiness/BussinessDocType", kind_text)
    due = _text(message, "DueDate")
    document_id = _text(message, "DocumentId")
    related = _text(business, "DocumentId")
    places = [(p.text or "").strip() for p in _children(_child(message, "ToPlaces"), "Place")]
    return Document(
        sender=_organ(_child(message, "From"), "From"),
        to=recipients,
        code_number=_required(message, "Code", "CodeNumber"),
        code_notation=_text(message, "Code", "CodeNotation"),
        promulgation_date=parse_date(_required(message, "PromulgationInfo", "PromulgationDate"),
                                     "PromulgationInfo/PromulgationDate"),
        place=_text(message, "PromulgationInfo", "Place"),
        subject=subject,
        document_type=_text(message, "DocumentType", "TypeName"),
        document_type_code=_text(message, "DocumentType", "Type"),
        content=_text(message, "Content"),
        signer=Signer(competence=_text(message, "SignerInfo", "Competence"),
                      position=_text(message, "SignerInfo", "Position"),
                      full_name=_text(message, "SignerInfo", "FullName")),
        due_date=parse_date(due, "DueDate") if due else None,
        priority=_int(_text(message, "OtherInfo", "Priority"), "OtherInfo/Priority"),
        steering_type=_int(_text(message, "SteeringType"), "SteeringType"),
        to_places=[p for p in places if p],
        business_type=BusinessType(kind),
        business_reason=_text(business, "BussinessDocReason") or _text(business,
                                                                       "BusinessDocReason"),
        related_document_id="" if related == document_id else related,
        document_id=document_id,
        traces=traces,
        attachments=_attachments(root, _child(_child(envelope, "edXMLBody"), "edXMLManifest"),
                                 max_bytes),
        signed=_is_signed(root),
    )


def _status(node: etree._Element, root: etree._Element) -> Status:
    response = _child(node, "ResponseFor")
    if response is None:
        raise missing("Status/ResponseFor")
    code = _required(node, "StatusCode")
    try:
        status_code = StatusCode(code.zfill(2))
    except ValueError as exc:
        raise invalid("Status/StatusCode", code) from exc
    stamp = _text(node, "Timestamp")
    date = _text(response, "PromulgationDate")
    return Status(
        sender=_organ(_child(node, "From"), "Status/From"),
        # empty only in a 02 answering a message too broken to name its document
        document_id=_text(response, "DocumentId"),
        status_code=status_code,
        description=_text(node, "Description"),
        timestamp=parse_timestamp(stamp, "Status/Timestamp") if stamp else None,
        response_organ_id=_text(response, "OrganId"),
        response_code=_text(response, "Code"),
        response_date=parse_date(date, "ResponseFor/PromulgationDate") if date else None,
        department=_text(node, "StaffInfo", "Department"),
        staff=_text(node, "StaffInfo", "Staff"),
        signed=_is_signed(root),
    )


# A status inside a SOAP envelope: some senders bind `edXML:` to the SOAP namespace there.
_STATUS_NS = _OWN | {SOAP_NS}


def parse_tree(root: etree._Element, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Status:
    if _local(root) == "Envelope" and _ns(root) == SOAP_NS:
        status = next(_children(_child_any(root, "Header"), "Status", _STATUS_NS), None)
        if status is None:
            raise EdxmlError(Reason.NOT_EDXML, _("The SOAP envelope holds no edXML status."))
        return _status(_in_own_namespace(status), root)
    if _local(root) != "edXML" or _ns(root) not in _OWN:
        raise EdxmlError(
            Reason.NOT_EDXML,
            _("The root element is %(tag)s, not edXML in the QCVN 102:2016 namespace."),
            tag=root.tag)
    envelope = _child(root, "edXMLEnvelope")
    header = _child(envelope, "edXMLHeader")
    if envelope is None or header is None:
        raise missing("edXMLEnvelope/edXMLHeader")
    status = _child(header, "Status")
    if status is not None:
        return _status(status, root)
    return _document(root, header, envelope, max_bytes)


def _in_own_namespace(node: etree._Element) -> etree._Element:
    """A copy of `node` with every element of the SOAP namespace moved into edXML's."""
    if _ns(node) != SOAP_NS:
        return node
    copy = etree.fromstring(etree.tostring(node))
    for element in copy.iter():
        if isinstance(element.tag, str) and _ns(element) == SOAP_NS:
            element.tag = f"{{{EDXML_NS}}}{_local(element)}"
    return copy


def _child_any(parent: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in parent if isinstance(c.tag, str) and _local(c) == name), None)


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Status:
    """The message in `data`; EdxmlError with a reason when it cannot be accepted."""
    return parse_tree(load(data, max_bytes=max_bytes), max_bytes=max_bytes)


def add_trace(data: bytes, *, organ_id: str, at: datetime.datetime) -> bytes:
    """`data` with one more TraceHeader (this hop), leaving every signed part as it was."""
    root = load(data, max_bytes=max(len(data), 1))
    header = _child(_child(root, "edXMLEnvelope"), "edXMLHeader")
    traces = _child(header, "TraceHeaderList")
    if header is None or traces is None:
        raise missing("edXMLHeader/TraceHeaderList")
    prefix = f"{{{_ns(traces)}}}" if _ns(traces) else ""
    node = etree.Element(prefix + "TraceHeader")
    etree.SubElement(node, prefix + "OrganId").text = organ_id
    etree.SubElement(node, prefix + "Timestamp").text = local_timestamp(at)
    existing = list(_children(traces, "TraceHeader"))
    if existing:
        existing[-1].addnext(node)
    else:
        traces.insert(0, node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
