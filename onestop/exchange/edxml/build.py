"""Write a Document or Status as edXML bytes, in the shape the national platform exchanges.

A document: root `edXML` with the QCVN 102:2016 namespace as default, `edXMLEnvelope` binding
the same namespace to the `edXML:` prefix (both in use in one file, as the platform SDK's own
samples do), `edXMLHeader` (MessageHeader, TraceHeaderList with Bussiness, the signature
place) and `edXMLBody/edXMLManifest`, then `AttachmentEncoded` in the default namespace.

A status: `SOAP-ENV:Envelope/SOAP-ENV:Header/edXML:Status` as the platform sends it.

Signed parts carry an `Id` (MessageHeader, Bussiness, Status, each Attachment) so that the
signature covers them but not the TraceHeader list, which every hop extends.
"""

from __future__ import annotations

import base64
import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

from lxml import etree

from .model import (
    DATE_FORMAT,
    DSIG_NS,
    EDXML_NS,
    SOAP_NS,
    TIMESTAMP_FORMAT,
    XLINK_NS,
    Attachment,
    Document,
    Organ,
    Status,
)

# Timestamps in edXML carry no zone; Vietnamese systems write local time (UTC+7).
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
E = f"{{{EDXML_NS}}}"
SIGNATURE_PLACEHOLDER = "placeholder"  # what signxml replaces with the signature


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, E + tag)
    if text is not None:
        element.text = text
    return element


def _organ(parent: etree._Element, tag: str, organ: Organ) -> None:
    node = _sub(parent, tag)
    _sub(node, "OrganId", organ.organ_id)
    _sub(node, "OrganizationInCharge", organ.organization_in_charge or organ.organ_name)
    _sub(node, "OrganName", organ.organ_name)
    _sub(node, "OrganAdd", organ.organ_add)
    _sub(node, "Email", organ.email)
    _sub(node, "Telephone", organ.telephone)
    _sub(node, "Fax", organ.fax)
    _sub(node, "Website", organ.website)


def local_timestamp(at: datetime.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("aware datetimes only")
    return at.astimezone(LOCAL_TZ).strftime(TIMESTAMP_FORMAT)


def _zip(attachment: Attachment) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(attachment.name, attachment.data)
    return buffer.getvalue()


def _signature_placeholder(parent: etree._Element) -> None:
    etree.SubElement(parent, f"{{{DSIG_NS}}}Signature", Id=SIGNATURE_PLACEHOLDER,
                     nsmap={"ds": DSIG_NS})


def content_ids(document: Document) -> list[str]:
    return [a.content_id or f"att{index + 1}" for index, a in enumerate(document.attachments)]


def build_document_tree(document: Document, *, signature_place: bool = False) -> etree._Element:
    root = etree.Element(E + "edXML", nsmap={None: EDXML_NS})
    envelope = etree.SubElement(root, E + "edXMLEnvelope", nsmap={"edXML": EDXML_NS})
    header = _sub(envelope, "edXMLHeader")

    message = _sub(header, "MessageHeader")
    message.set("Id", "MessageHeader")
    _organ(message, "From", document.sender)
    for organ in document.to:
        _organ(message, "To", organ)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", document.code_number)
    _sub(code, "CodeNotation", document.code_notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", document.place)
    _sub(promulgation, "PromulgationDate", document.promulgation_date.strftime(DATE_FORMAT))
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", document.document_type_code)
    _sub(doc_type, "TypeDetail", "0")
    _sub(doc_type, "TypeName", document.document_type)
    _sub(message, "Subject", document.subject)
    _sub(message, "Content", document.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", document.signer.competence)
    _sub(signer, "Position", document.signer.position)
    _sub(signer, "FullName", document.signer.full_name)
    _sub(message, "DueDate",
         document.due_date.strftime(DATE_FORMAT) if document.due_date else "")
    if document.to_places:
        places = _sub(message, "ToPlaces")
        for place in document.to_places:
            _sub(places, "Place", place)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", str(document.priority))
    _sub(other, "PageAmount", "1")
    _sub(message, "SteeringType", str(document.steering_type))
    _sub(message, "DocumentId", document.document_id)

    traces = _sub(header, "TraceHeaderList")
    for trace in document.traces:
        node = _sub(traces, "TraceHeader")
        _sub(node, "OrganId", trace.organ_id)
        _sub(node, "Timestamp", local_timestamp(trace.timestamp))
    business = _sub(traces, "Bussiness")  # QCVN 102:2016 spells it so
    business.set("Id", "Bussiness")
    _sub(business, "DocumentId", document.related_document_id or document.document_id)
    _sub(business, "BussinessDocType", str(int(document.business_type)))
    _sub(business, "BussinessDocReason", document.business_reason)
    _sub(business, "Paper", "0")
    if signature_place:
        _signature_placeholder(header)

    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    ids = content_ids(document)
    for attachment, cid in zip(document.attachments, ids, strict=True):
        reference = etree.SubElement(manifest, E + "Reference", nsmap={"xlink": XLINK_NS})
        reference.set(f"{{{XLINK_NS}}}href", f"cid:{cid}")
        reference.set(f"{{{XLINK_NS}}}type", "simple")
        _sub(reference, "ContentId", f"cid:{cid}")
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
        _sub(reference, "Description", attachment.description)

    if document.attachments:
        encoded = _sub(root, "AttachmentEncoded")
        for attachment, cid in zip(document.attachments, ids, strict=True):
            node = _sub(encoded, "Attachment")
            node.set("Id", f"att-{cid}")
            _sub(node, "ContentId", cid)
            _sub(node, "AttachmentName", attachment.name)
            _sub(node, "ContentType", attachment.content_type)
            _sub(node, "Description", attachment.description)
            payload = _zip(attachment) if attachment.zipped else attachment.data
            _sub(node, "ContentTransferEncoded", base64.b64encode(payload).decode("ascii"))
    return root


def build_status_tree(status: Status, *, signature_place: bool = False) -> etree._Element:
    root = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"SOAP-ENV": SOAP_NS})
    header = etree.SubElement(root, f"{{{SOAP_NS}}}Header")
    node = etree.SubElement(header, E + "Status", nsmap={"edXML": EDXML_NS})
    node.set("Id", "Status")
    response = _sub(node, "ResponseFor")
    _sub(response, "OrganId", status.response_organ_id)
    _sub(response, "Code", status.response_code)
    _sub(response, "PromulgationDate",
         status.response_date.strftime(DATE_FORMAT) if status.response_date else "")
    _sub(response, "DocumentId", status.document_id)
    _organ(node, "From", status.sender)
    _sub(node, "StatusCode", str(status.status_code))
    _sub(node, "Description", status.description)
    _sub(node, "Timestamp", local_timestamp(status.timestamp) if status.timestamp else "")
    staff = _sub(node, "StaffInfo")
    _sub(staff, "Department", status.department)
    _sub(staff, "Staff", status.staff)
    if signature_place:
        _signature_placeholder(header)
    etree.SubElement(root, f"{{{SOAP_NS}}}Body")
    return root


def build_tree(message: Document | Status, *, signature_place: bool = False) -> etree._Element:
    if isinstance(message, Document):
        return build_document_tree(message, signature_place=signature_place)
    return build_status_tree(message, signature_place=signature_place)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build(message: Document | Status) -> bytes:
    """The unsigned message (signing.sign_message adds the signature)."""
    return to_bytes(build_tree(message))

