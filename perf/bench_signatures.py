"""Benchmark digital signatures (docs/signatures.md).

Run: ``.venv/bin/python perf/bench_signatures.py [--count 20]``.

On one core, in this process, with the demo CA in a temporary signature directory (no
database: the signer rows are built in memory):

1. baseline: the result document rendered to PDF (WeasyPrint, the same HTML the approval
   renders, with the signature slot), per second;
2. PAdES B-LT signatures per second with a PKCS#12 file key, and with a key generated on a
   SoftHSM2 token (skipped, said so, when softhsm2 is not installed);
3. verifications per second (`verify_pdf`: signature, chain, CRLs, modifications);
4. the latency approval adds to return a signed result: render with the slot + sign, per
   result, against the plain render.

Ratios are against the baseline measured in the same run. Every loop is bounded by --count.
Prints a table and writes perf/results/signatures-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
WORK = Path(tempfile.mkdtemp(prefix="onestop-bench-signatures-"))
os.environ["ONESTOP_SIGNATURE_DIR"] = str(WORK / "signatures")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from onestop.agencies.models import Agency  # noqa: E402
from onestop.signatures import democa  # noqa: E402
from onestop.signatures.layout import render_with_slot  # noqa: E402
from onestop.signatures.models import Signer  # noqa: E402
from onestop.signatures.services import pdf_sign  # noqa: E402
from onestop.signatures.trust import to_pem  # noqa: E402
from onestop.signatures.verify import verify_pdf  # noqa: E402

HTML = """<html><body style="font-family: 'Liberation Serif'; font-size: 13pt">
<p>ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ<br><b>SỞ TƯ PHÁP</b></p>
<h1 style="text-align:center">KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1>
<p>Sở Tư pháp đã giải quyết xong hồ sơ đề nghị: Đăng ký khai sinh của Ông/Bà Nguyễn Văn An.
Kết quả giải quyết: Giấy chứng nhận.</p>
<p style="text-align:center"><b>GIÁM ĐỐC</b></p>{slot}
<p style="text-align:center"><b>Phạm Minh Dũng</b></p></body></html>"""


def per_second(count: int, work: Any) -> tuple[float, float]:
    """(operations per second, seconds per operation) over `count` runs after one warm-up."""
    work()
    start = time.perf_counter()
    for _ in range(count):
        work()
    elapsed = time.perf_counter() - start
    return count / elapsed, elapsed / count


def _agency() -> Agency:
    return Agency(code="000.00.01.H92", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)


def _signer(kind: str, *, key_ref: str, secret_ref: str, certificate: Any,
            chain: list[Any]) -> Signer:
    return Signer(label=f"bench-{kind}", kind=kind, agency=_agency(), key_ref=key_ref,
                  secret_ref=secret_ref, certificate=to_pem([certificate]), chain=to_pem(chain),
                  name="Phạm Minh Dũng", position="Giám đốc", is_active=True,
                  serial=format(certificate.serial_number, "x"))


def file_signer(ca: democa.DemoCA) -> Signer:
    issued = democa.issue_pkcs12(ca, label="bench-file", common_name="Phạm Minh Dũng",
                                 unit="Sở Tư pháp", title="Giám đốc")
    return _signer("pkcs12", key_ref=issued.key_ref, secret_ref=issued.secret_ref,
                   certificate=issued.certificate, chain=ca.chain)


def token_signer(ca: democa.DemoCA) -> Signer | None:
    from onestop.testing import TEST_TOKEN_PIN, make_softhsm_token

    try:
        token = make_softhsm_token(WORK / "softhsm")
    except FileNotFoundError:
        return None
    from onestop.signatures.tokens import token_generate_key

    os.environ["BENCH_TOKEN_PIN"] = TEST_TOKEN_PIN
    public = token_generate_key(token_label=token, key_label="bench",
                                secret_ref="env:BENCH_TOKEN_PIN")
    cert = democa.issue_certificate(ca, public_key=public, common_name="Phạm Minh Dũng",
                                    unit="Sở Tư pháp", title="Giám đốc")
    return _signer("pkcs11", key_ref=f"token={token};key=bench",
                   secret_ref="env:BENCH_TOKEN_PIN", certificate=cert, chain=ca.chain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    count = max(1, args.count)
    ca = democa.ensure_demo_ca()
    html = HTML.replace("{slot}", render_to_string("signatures/_slot.html"))
    plain_html = HTML.replace("{slot}", "<div style='height:22mm'></div>")

    import weasyprint

    render_rate, render_s = per_second(
        count, lambda: weasyprint.HTML(string=plain_html, base_url=str(ROOT)).write_pdf())
    pdf, slot = render_with_slot(html, base_url=str(ROOT))
    results: dict[str, Any] = {"count": count,
                               "render_per_second": round(render_rate, 2),
                               "render_ms": round(render_s * 1000, 1)}

    signer = file_signer(ca)
    sign_rate, sign_s = per_second(count, lambda: pdf_sign(pdf=pdf, signer=signer,
                                                           reason="Thử", slot=slot))
    results["file_key_signatures_per_second"] = round(sign_rate, 2)
    signed = pdf_sign(pdf=pdf, signer=signer, reason="Thử", slot=slot).pdf
    assert verify_pdf(signed).ok, "the benchmark's own signature does not verify"

    token = token_signer(ca)
    if token is not None:
        token_rate, _ = per_second(count, lambda: pdf_sign(pdf=pdf, signer=token,
                                                           reason="Thử", slot=slot))
        results["softhsm2_signatures_per_second"] = round(token_rate, 2)
        assert verify_pdf(pdf_sign(pdf=pdf, signer=token, reason="Thử", slot=slot).pdf).ok
    else:
        results["softhsm2_signatures_per_second"] = None

    verify_rate, _ = per_second(count, lambda: verify_pdf(signed))
    results["verifications_per_second"] = round(verify_rate, 2)

    def signed_result() -> None:
        data, place = render_with_slot(html, base_url=str(ROOT))
        pdf_sign(pdf=data, signer=signer, reason="Thử", slot=place)

    _, approve_s = per_second(count, signed_result)
    results["signed_result_ms"] = round(approve_s * 1000, 1)
    results["added_latency_ms"] = round(approve_s * 1000, 1)  # approval rendered nothing before
    results["signature_vs_render"] = round(sign_rate / render_rate, 3)
    results["verify_vs_render"] = round(verify_rate / render_rate, 3)

    rows = [
        ("plain PDF render (baseline)", f"{render_rate:.1f}/s", "1"),
        ("PAdES B-LT signature, PKCS#12 file key", f"{sign_rate:.1f}/s",
         f"{results['signature_vs_render']}"),
        ("PAdES B-LT signature, SoftHSM2 token",
         f"{results['softhsm2_signatures_per_second']}/s" if token else "skipped",
         f"{round(results['softhsm2_signatures_per_second'] / render_rate, 3)}" if token
         else "–"),
        ("verification (chain, CRLs, changes)", f"{verify_rate:.1f}/s",
         f"{results['verify_vs_render']}"),
        ("added latency of a signed result (render with slot + sign)",
         f"{results['added_latency_ms']} ms", f"render alone {results['render_ms']} ms"),
    ]
    print(f"{'benchmark':64} {'result':>14}  ratio vs render")
    for name, value, ratio in rows:
        print(f"{name:64} {value:>14}  {ratio}")
    out = ROOT / "perf" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "signatures-latest.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
