"""Printable one-stop forms (Circular 03/2025/TT-VPCP) as PDF bytes; see docs/forms.md."""

from .formatting import public_lookup_url
from .forms import (
    render_apology,
    render_control_slip,
    render_receipt,
    render_refusal,
    render_supplement_request,
)

__all__ = [
    "public_lookup_url", "render_apology", "render_control_slip", "render_receipt",
    "render_refusal", "render_supplement_request",
]
