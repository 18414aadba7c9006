"""SANDBOX: pretend to be the payer's bank or the payment gateway, and notify the platform.

A development-only surface: the pages say they are a sandbox, they exist only while the
sandbox is on (see urls.py), and everything they send goes through the real webhook code
path, signed with the sandbox key (onestop.payments.providers.sandbox).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from onestop.payments import selectors
from onestop.payments.models import Payment, SandboxGatewayTransaction
from onestop.payments.providers import gateway as gw
from onestop.payments.providers import sandbox
from onestop.payments.providers.base import sandbox_enabled

View = Callable[..., HttpResponseBase]

ACTIONS = ("transfer", "partial", "over", "duplicate", "forged", "gateway_ok",
           "gateway_fail", "gateway_lost_ipn")


def sandbox_only(view: View) -> View:
    """404 unless the sandbox is on, checked at each request."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not sandbox_enabled():
            raise Http404("The sandbox is off.")
        return view(request, *args, **kwargs)

    return wrapper



def pay(request: HttpRequest, reference: str) -> HttpResponse:
    """SANDBOX: pretend to be the payer's bank or the gateway and notify the platform."""
    payment = selectors.payment_of_link(reference)
    outcome: list[dict[str, Any]] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404("Unknown sandbox action.")
        outcome = _run(payment, action)
        payment = selectors.payment_of_link(reference)
    return render(request, "sandbox/pay.html", {
        "payment": payment, "deliveries": outcome,
        "actions": ACTIONS,
    })


def _run(payment: Payment, action: str) -> list[dict[str, Any]]:
    ref, amount = payment.reference, payment.amount
    sent: list[sandbox.Delivery] = []
    if action == "transfer":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount))
    elif action == "partial":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=max(1, amount // 2)))
    elif action == "over":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount + 10000))
    elif action == "duplicate":
        txn = sandbox.new_txn_id("FT")
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, txn_id=txn))
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, txn_id=txn))
    elif action == "forged":
        sent.append(sandbox.send_bank_transfer(reference=ref, amount=amount, forged=True))
    else:
        success = action != "gateway_fail"
        txn = sandbox.new_txn_id("GW")
        SandboxGatewayTransaction.objects.create(reference=ref, transaction_no=txn,
                                                 amount=amount, success=success)
        if action != "gateway_lost_ipn":
            sent.append(sandbox.send_gateway_ipn(reference=ref, amount=amount, success=success,
                                                 txn_no=txn))
    return [{"status": d.status, "body": json.dumps(d.body, ensure_ascii=False)} for d in sent]


def gateway(request: HttpRequest) -> HttpResponse:
    """SANDBOX gateway: checks the signed request like a real gateway, then 'pays'."""
    source = request.POST if request.method == "POST" else request.GET
    params = {k: str(v) for k, v in source.items() if k.startswith("gw_")}
    if not gw.verify(params):
        return render(request, "sandbox/gateway.html", {"invalid": True}, status=400)
    payment = selectors.payment_of_link(params.get("gw_TxnRef", ""))
    amount = int(params.get("gw_Amount", "0")) // 100
    if request.method == "POST":
        choice = request.POST.get("choice", "")
        success = choice == "pay"
        txn = sandbox.new_txn_id("GW")
        SandboxGatewayTransaction.objects.create(reference=payment.reference, transaction_no=txn,
                                                 amount=amount, success=success)
        ipn = sandbox.gateway_ipn(reference=payment.reference, amount=amount, success=success,
                                  txn_no=txn)
        if choice != "lose_ipn":
            sandbox.deliver("gateway", query=ipn)
        back = params.get("gw_ReturnUrl") or reverse("portal:pay_return",
                                                     args=[payment.reference])
        return redirect(f"{back}?{urlencode(ipn)}")
    return render(request, "sandbox/gateway.html", {
        "payment": payment, "amount": amount, "params": params,
    })
