"""The bills hub for citizens: /hoa-don/ (a customer's open bills at one biller, no account
needed) and paying one, which leads to the payment page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.billing import selectors, services
from onestop.billing.models import Biller
from onestop.core.errors import DomainError


def lookup(request: HttpRequest) -> HttpResponse:
    """/hoa-don/: open bills of a customer code at one biller (no account needed)."""
    biller_code = request.GET.get("biller", "")
    customer = request.GET.get("customer", "").strip()[:40]
    # A sent form with a field left empty is answered with what is missing (400).
    sent = "biller" in request.GET or "customer" in request.GET
    errors = {}
    if sent and not biller_code:
        errors["biller"] = _("Choose the company or unit that sent the bill.")
    if sent and not customer:
        errors["customer"] = _("Enter the customer code printed on the bill.")
    bills = selectors.open_bills(biller_code=biller_code, customer_code=customer) if (
        biller_code and customer) else []
    rows = [{"bill": b, "name": selectors.mask_name(b.customer_name)}
            for b in bills]
    return render(request, "portal/bills/lookup.html", {
        "billers": selectors.active_billers(), "biller_code": biller_code,
        "customer": customer, "rows": rows, "searched": bool(biller_code and customer),
        "kinds": dict(Biller.Kind.choices), "errors": errors, "nav": "bills",
    }, status=400 if errors else 200)


@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or reuse) the payment of one bill, then the citizen pay page."""
    try:
        payment = services.bill_payment_start(
            bill_id=pk, customer_code=request.POST.get("customer", ""),
            creator_key=f"session:{request.session.session_key or 'anon'}"[:64])
    except DomainError as exc:
        return render(request, "portal/bills/lookup.html", {
            "billers": selectors.active_billers(), "error": str(exc), "rows": [],
        }, status=exc.http_status)
    return redirect("portal:pay", reference=payment.reference)
