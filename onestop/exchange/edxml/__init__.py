"""edXML (QCVN 102:2016) without a database: model, build, parse, the CLI's JSON shape."""

from .build import build, build_tree
from .errors import EdxmlError, Reason
from .model import (
    Attachment,
    BusinessType,
    Document,
    Organ,
    Signer,
    Status,
    StatusCode,
    TraceHeader,
    document_id_for,
)
from .parse import add_trace, load, parse, parse_tree

__all__ = [
    "Attachment", "BusinessType", "Document", "EdxmlError", "Organ", "Reason", "Signer",
    "Status", "StatusCode", "TraceHeader", "add_trace", "build", "build_tree",
    "document_id_for", "load", "parse", "parse_tree",
]
