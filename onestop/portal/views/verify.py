"""The public verification of signed documents (/xac-thuc/): anyone, no account.

Upload a PDF and see whether it carries a valid signature, by whom, when, whether it was
changed after signing and whether the chain leads to a trusted root; or enter a dossier code
or receipt number (the QR on a receipt opens this page with it) and see every document this
installation signed for it, checked again now. Never the file itself: it carries personal
data. Rate-limited per address like the status lookup.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from onestop.core.ratelimit import lookup_over_limit
from onestop.payments.selectors import receipt_by_number
from onestop.signatures.selectors import issued_documents_checked, issued_with_hash
from onestop.signatures.verify import verify_pdf

from ..forms import VerifyCodeForm, VerifyUploadForm


def verify(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"nav": "verify", "code_form": VerifyCodeForm(),
                               "upload_form": VerifyUploadForm()}
    status = 200
    asked = request.method == "POST" or "code" in request.GET
    if asked and lookup_over_limit(request, scope="verify"):
        context["error"] = _("Too many checks from your connection. Wait a few minutes and "
                             "try again.")
        return render(request, "portal/verify.html", context, status=429)
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        context["upload_form"] = form
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            report = verify_pdf(data)
            context["report"] = report
            context["issued"] = issued_with_hash(sha256=report.sha256)
            status = 200 if report.ok else 422 if not report.unreadable else 400
        else:
            status = 400
    elif "code" in request.GET:
        code_form = VerifyCodeForm(request.GET)
        context["code_form"] = code_form
        if code_form.is_valid():
            code = code_form.cleaned_data["code"]
            context["code"] = code
            context["checks"] = issued_documents_checked(reference=code)
            context["receipt"] = receipt_by_number(number=code)
        else:
            status = 400
    context["max_bytes"] = settings.ONESTOP_UPLOAD_MAX_BYTES
    return render(request, "portal/verify.html", context, status=status)
