"""A PKCS#12 key signs a PDF visibly and as PAdES B-LT; the verifier sees who, when, and any
changed byte."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from onestop.core.audit import audit_verify
from onestop.core.models import AuditEvent
from onestop.signatures.errors import SigningRefused
from onestop.signatures.layout import render_with_slot
from onestop.signatures.services import document_sign
from onestop.signatures.verify import verify_pdf

HTML = """<html><body style="font-family: 'Liberation Serif'">
<h1>KẾT QUẢ GIẢI QUYẾT HỒ SƠ</h1><p>Nội dung của văn bản.</p>
<p style="text-align: center">GIÁM ĐỐC</p>
{% slot %}
<p style="text-align: center">Phạm Minh Dũng</p></body></html>"""

pytestmark = pytest.mark.usefixtures("english")


def _pdf() -> tuple[bytes, object]:
    from django.template.loader import render_to_string

    slot = render_to_string("signatures/_slot.html")
    return render_with_slot(HTML.replace("{% slot %}", slot), base_url=".")


@pytest.fixture
def leader_signer(city, signing):
    return signing.signer(agency=city.justice, user=city.leader, position="Giám đốc")


def _sign(signer, pdf, slot):
    from django.db import transaction

    with transaction.atomic():
        return document_sign(pdf=pdf, signer=signer, kind="result", reference="HS-1",
                             object_type="dossier", object_id=1, title="Kết quả",
                             reason="Phê duyệt kết quả", slot=slot)


def test_a_signed_pdf_verifies_and_names_the_signer(leader_signer):
    pdf, slot = _pdf()
    assert slot is not None and slot.page == 0
    document = _sign(leader_signer, pdf, slot)
    data = document.file.read()
    report = verify_pdf(data)
    assert report.ok, report.as_dict()
    (check,) = report.signatures
    assert check.signer_name == "Phạm Minh Dũng"
    assert check.signer_unit == "Sở Tư pháp"
    assert check.demo and check.trusted and check.intact and not check.changed_after
    assert any("DEMO Root CA" in link for link in check.chain)
    assert abs(check.signed_at - document.signed_at) < datetime.timedelta(seconds=5)


def test_the_signature_is_visible_where_the_form_put_its_slot(leader_signer):
    pdf, slot = _pdf()
    data = _sign(leader_signer, pdf, slot).file.read()
    page = PdfReader(io.BytesIO(data)).pages[0]
    widgets = [a.get_object() for a in page["/Annots"]]
    (widget,) = [w for w in widgets if w.get("/FT") == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert (round(x1), round(y1), round(x2), round(y2)) == tuple(round(v) for v in slot.box)
    assert x2 - x1 > 150 and y2 - y1 > 50  # a box, not an invisible signature


def test_the_signed_file_is_pades_b_lt_with_chain_and_crls(leader_signer):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf, slot = _pdf()
    data = _sign(leader_signer, pdf, slot).file.read()
    reader = PdfFileReader(BytesIO(data))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 3  # signer, issuing CA, root
    assert len(dss["/CRLs"]) >= 1
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_a_changed_byte_is_caught(leader_signer):
    pdf, slot = _pdf()
    data = _sign(leader_signer, pdf, slot).file.read()
    at = data.index(b"stream") + 40  # inside the first page's content, which is signed
    tampered = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    report = verify_pdf(tampered)
    assert not report.ok
    assert report.error or not report.signatures[0].intact


def test_the_hash_of_the_signed_file_is_in_the_audit_log(leader_signer):
    import hashlib

    pdf, slot = _pdf()
    document = _sign(leader_signer, pdf, slot)
    event = AuditEvent.objects.get(action="signature.sign")
    assert event.data["sha256"] == hashlib.sha256(document.file.read()).hexdigest()
    assert audit_verify().ok


def test_an_expired_certificate_is_refused(city, signing):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    signer = signing.signer(agency=city.justice, user=city.leader, not_before=past,
                            not_after=past + datetime.timedelta(days=30))
    pdf, slot = _pdf()
    with pytest.raises(SigningRefused, match="expired"):
        _sign(signer, pdf, slot)


def test_a_revoked_certificate_is_refused(city, signing):
    from cryptography import x509

    from onestop.signatures import democa

    signer = signing.signer(agency=city.justice, user=city.leader)
    democa.revoke(signing.ca, x509.load_pem_x509_certificate(signer.certificate.encode()))
    pdf, slot = _pdf()
    with pytest.raises(SigningRefused, match="revoked"):
        _sign(signer, pdf, slot)


def test_a_pdf_without_signature_is_not_ok():
    pdf, _slot = _pdf()
    report = verify_pdf(pdf)
    assert not report.ok and "no digital signature" in report.error


def test_a_certificate_from_an_untrusted_ca_is_refused(city, signing, tmp_path):
    from onestop.signatures import democa

    signing.ca = democa.ensure_demo_ca(tmp_path / "stranger-ca", trusted=False)
    stranger = signing.signer(agency=city.justice, user=city.leader)
    pdf, slot = _pdf()
    with pytest.raises(SigningRefused, match="trusted root"):
        _sign(stranger, pdf, slot)


def test_a_long_unit_name_fits_the_common_name_bound():
    from onestop.signatures.democa import _fit

    name = "Trung tâm Phục vụ hành chính công thành phố Cần Thơ và các xã phường"
    fitted = _fit(name)
    assert len(fitted.encode()) <= 64 and name.startswith(fitted) and not fitted.endswith(" ")


def test_documents_issued_for_a_code_are_checked_again_and_a_changed_file_shows(
        leader_signer):
    from onestop.signatures.selectors import issued_documents_checked, issued_with_hash

    pdf, slot = _pdf()
    document = _sign(leader_signer, pdf, slot)
    (check,) = issued_documents_checked(reference="HS-1")
    assert check.report.ok and check.unchanged
    assert issued_with_hash(sha256=document.sha256) == document
    data = document.file.read()
    at = data.index(b"stream") + 40
    with open(document.file.path, "wb") as handle:
        handle.write(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    (check,) = issued_documents_checked(reference="HS-1")
    assert not check.unchanged and not check.report.ok
    assert issued_documents_checked(reference="nothing") == []
