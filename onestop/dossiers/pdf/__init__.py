"""Printable one-stop forms (Circular 03/2025/TT-VPCP) as PDF bytes; see docs/forms.md."""

from .formatting import public_lookup_url
from .forms import (
    control_slip_rows,
    render_apology,
    render_control_slip,
    render_receipt,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
    render_tracking_register,
)

__all__ = [
    "control_slip_rows", "public_lookup_url", "render_apology", "render_control_slip",
    "render_receipt", "render_refusal", "render_stop_notice", "render_supplement_request",
    "render_tracking_register",
]
