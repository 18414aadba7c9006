"""Every form 01–07 rendered to PNG and read back, field by field (Circular 03/2025/TT-VPCP
forms, Decree 30/2020/NĐ-CP look).

Each form is rendered by WeasyPrint, turned into PNG pages by `pdftoppm` (so a person can
look at them: set ONESTOP_FORMS_PNG_DIR to keep them) and its text read back with pypdf to
check each field the legal template asks for.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from onestop.agencies.models import AdministrativeUnit, Agency, Membership
from onestop.core.formatting import date_words
from onestop.dossiers import pdf
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter, Dossier, DossierDocument
from onestop.dossiers.registers_book import tracking_register_xlsx
from onestop.testing import make_procedure, make_user, vn

from .test_pdf_forms import pdf_text

pytestmark = pytest.mark.django_db

NINH_KIEU = "31135"


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def render_png(name: str, data: bytes, tmp_path: Path) -> list[Path]:
    """The PDF as PNG pages (pdftoppm), kept in ONESTOP_FORMS_PNG_DIR when it is set."""
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (Debian poppler-utils) to render the forms to PNG")
    out = Path(os.environ.get("ONESTOP_FORMS_PNG_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(source), str(out / name)], check=True)
    pages = sorted(out.glob(f"{name}*.png"))
    assert pages and all(p.stat().st_size > 5000 for p in pages), "empty rendering"
    return pages


@pytest.fixture
def world(city):
    """The fixture city, with a commune committee and its counter in Phường Ninh Kiều."""
    unit = AdministrativeUnit.objects.get(code=NINH_KIEU)
    committee = Agency.objects.create(code="000.02.01.H99", kind=Agency.Kind.COMMUNE_COMMITTEE,
                                      name="Ủy ban nhân dân Phường Ninh Kiều", unit=unit)
    city.commune.unit, city.commune.parent = unit, committee
    city.commune.save(update_fields=["unit", "parent"])
    city.justice.abbreviation = "STP"
    city.justice.save(update_fields=["abbreviation"])
    Membership.objects.filter(user=city.leader, agency=city.justice).update(
        position="Phó Giám đốc")
    return city


def _business_filing(city, **extra):
    documents = [svc.SubmittedDocument(required_document_id=d.id, originals=d.originals,
                                       copies=d.copies) for d in city.version.documents.all()]
    applicant = svc.Applicant(
        name="Công ty TNHH Lúa Vàng Cần Thơ", kind="organisation", tax_code="1800123456-001",
        representative="Trương Văn Lộc", filer_name="Nguyễn Thị Hoa",
        authorisation="Giấy ủy quyền số 12/2026/UQ ngày 01/3/2026", phone="0900111222",
        address="Số 5 Đường Mậu Thân, Phường Ninh Kiều, Thành phố Cần Thơ", **extra)
    return svc.Filing(procedure_version=city.version, receiving_agency=city.centre,
                      applicant=applicant, documents=documents, result_delivery="post")


def test_form_01_receipt_rendering_has_every_field(world, tmp_path):
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=_business_filing(world),
                                      at=vn(2026, 3, 2, 8))
    data = pdf.render_receipt(d)
    render_png("01_receipt", data, tmp_path)
    text = pdf_text(data)
    for field in (
        "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",  # the centre's parent authority
        "Số: 01/TNHS-TTPVHCC", f"Mã hồ sơ: {d.code}",
        "Cần Thơ, ngày 02 tháng 3 năm 2026",  # Decree 30: month 3 not padded
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Tổ chức: Công ty TNHH Lúa Vàng Cần Thơ", "1800123456-001", "Trương Văn Lộc",
        "Nguyễn Thị Hoa", "Giấy ủy quyền số 12/2026/UQ", "Địa chỉ trụ sở chính",
        "Bản chính", "Bản sao", "Bản điện tử", "Số lượng hồ sơ: 01 bộ",
        "vào lúc 08 giờ 00 phút, ngày 02 tháng 3 năm 2026",
        "vào lúc 08 giờ 00 phút, ngày 05 tháng 3 năm 2026",
        "Đăng ký nhận kết quả tại", "Qua dịch vụ bưu chính công ích",
        "Địa chỉ nhận kết quả: Số 5 Đường Mậu Thân",
        "Quyển số: 2026, Số thứ tự: 01", "lập thành 02 liên",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Bình",
    ):
        assert field in text, field
    assert "Ông/Bà: Công ty" not in text


def test_form_01_fits_one_page_for_ten_documents(world, tmp_path):
    from onestop.catalog.models import RequiredDocument

    version = world.version
    for order in range(4, 11):
        RequiredDocument.objects.create(version=version, order=order, originals=1, copies=1,
                                        name=f"Giấy tờ kèm theo số {order} có tên khá dài để "
                                             "xuống dòng trong bảng thành phần hồ sơ")
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8))
    assert d.documents.count() == 10
    data = pdf.render_receipt(d)
    render_png("01_receipt_ten_documents", data, tmp_path)
    assert _pages(data) == 1


def test_form_01_counts_online_documents_as_electronic_copies(world, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf_bytes = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    docs = list(world.version.documents.all())
    files = [svc.SubmittedDocument(required_document_id=docs[0].id,
                                   file=SimpleUploadedFile(f"tk{i}.pdf", pdf_bytes))
             for i in range(2)]
    files.append(svc.SubmittedDocument(required_document_id=docs[1].id,
                                       file=SimpleUploadedFile("cc.pdf", pdf_bytes)))
    online = svc.dossier_submit_online(
        filing=svc.Filing(procedure_version=world.version, receiving_agency=world.centre,
                          applicant=svc.Applicant(name="Nguyễn Văn An"), documents=files),
        at=vn(2026, 3, 2, 8))
    d = svc.dossier_receive(dossier_id=online.pk, officer=world.officer, at=vn(2026, 3, 2, 9))
    text = pdf_text(pdf.render_receipt(d))
    assert "01 (02 tệp)" in text and "01 (01 tệp)" in text
    from onestop.dossiers.documents import submitted_documents
    counts = submitted_documents(Dossier.objects.get(pk=d.pk))
    assert [(c.originals, c.copies, c.files) for c in counts] == [(0, 0, 2), (0, 0, 1)]
    assert counts[0].summary == "01 bản điện tử (02 tệp)"
    assert DossierDocument.objects.filter(dossier=d, originals=0, copies=0).count() == 3


def test_form_02_supplement_request_rendering_has_every_field(world, tmp_path):
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=world.officer, at=vn(2026, 3, 2, 9))
    request = svc.dossier_request_supplement(dossier_id=d.pk, actor=world.specialist,
                                             reason="Thiếu bản sao", items="Bản sao CCCD",
                                             at=vn(2026, 3, 3, 9))
    data = pdf.render_supplement_request(request)
    render_png("02_supplement_request", data, tmp_path)
    text = pdf_text(data)
    for field in ("Số: 01/BSHS-TTPVHCC", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                  "Ông/Bà: Nguyễn Văn An", "Bản sao CCCD", "Lý do: Thiếu bản sao.",
                  "tạm dừng kể từ 09 giờ 00 phút, ngày 03 tháng 3 năm 2026", "Lê Văn Cường"):
        assert field in text, field


def test_form_03_counter_refusal_rendering_has_every_field(world, tmp_path):
    d = svc.dossier_refuse_at_counter(officer=world.officer, filing=world.filing(),
                                      reason="Hồ sơ không thuộc thẩm quyền",
                                      at=vn(2026, 3, 2, 10))
    assert d.status == 3 and d.code is None and d.channel == 1
    data = pdf.render_refusal(d)
    render_png("03_refusal", data, tmp_path)
    text = pdf_text(data)
    for field in ("Số: 01/TCHS-TTPVHCC", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                  "Ông/Bà: Nguyễn Văn An", "Hồ sơ không thuộc thẩm quyền", "Trần Thị Bình",
                  "Cần Thơ, ngày 02 tháng 3 năm 2026"):
        assert field in text, field


def test_form_04_signed_letter_shows_the_real_signer_and_no_placeholder(world, tmp_path):
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=world.officer, at=vn(2026, 3, 2, 9))
    svc.deadline_sweep(now=vn(2026, 3, 3, 9))
    letter = ApologyLetter.objects.get()
    draft = pdf_text(pdf.render_apology(letter))
    assert "DỰ THẢO" in draft and "(Ký, ghi rõ họ tên và đóng dấu)" in draft
    svc.apology_sign(letter_id=letter.pk, leader=world.leader, at=vn(2026, 3, 3, 14))
    data = pdf.render_apology(letter)
    render_png("04_apology", data, tmp_path)
    text = pdf_text(data)
    for field in ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", "SỞ TƯ PHÁP", "Số: 01/XL-STP",
                  "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                  "Kính gửi: Ông/Bà Nguyễn Văn An", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                  "Phạm Minh Dũng", "Nơi nhận:", "- Như trên;", "Lưu: VT, STP.",
                  "14 giờ 00 phút, ngày 09 tháng 3 năm 2026"):
        assert field in text, field
    for placeholder in ("(Ký, ghi rõ họ tên và đóng dấu)", "(Chưa ký)", "DỰ THẢO",
                        "Thủ trưởng cơ quan"):
        assert placeholder not in text, placeholder


def test_form_05_stop_notice_rendering_has_every_field(world, tmp_path):
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8))
    svc.dossier_stop(dossier_id=d.pk, actor=world.leader, reason="Có tranh chấp",
                     at=vn(2026, 3, 3, 9))
    data = pdf.render_stop_notice(d)
    render_png("05_stop_notice", data, tmp_path)
    text = pdf_text(data)
    for field in ("Số: 01/TB-STP", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Có tranh chấp.",
                  "dừng giải quyết hồ sơ kể từ 09 giờ 00 phút, ngày 03 tháng 3 năm 2026",
                  "Kính gửi: Ông/Bà Nguyễn Văn An", "KT. GIÁM ĐỐC", "Phạm Minh Dũng",
                  "Lưu: VT, STP."):
        assert field in text, field


def test_form_06_has_one_row_per_hand_over_with_signature_cells(world, tmp_path):
    d = svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=world.officer, at=vn(2026, 3, 2, 9))
    svc.dossier_hand_over(dossier_id=d.pk, actor=world.specialist, at=vn(2026, 3, 4, 16))
    svc.dossier_approve(dossier_id=d.pk, actor=world.leader, at=vn(2026, 3, 5, 8))
    svc.dossier_return_result(dossier_id=d.pk, officer=world.officer, at=vn(2026, 3, 5, 9))
    rows = pdf.control_slip_rows(Dossier.objects.get(pk=d.pk))
    # receipt, officer → specialist, specialist → leader, leader → centre, centre → applicant
    assert len(rows) == 5
    assert [r["result"] for r in rows] == ["", "Trước hạn", "Quá hạn", "Đúng hạn", ""]
    assert rows[1]["giver"] == "Trần Thị Bình" and rows[1]["receiver"] == "Lê Văn Cường"
    data = pdf.render_control_slip(d)
    render_png("06_control_slip", data, tmp_path)
    text = pdf_text(data)
    for field in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Bên giao", "Bên nhận",
                  "người giao ký", "người nhận ký", "Cơ quan phối hợp giải quyết",
                  "Cơ quan chủ trì giải quyết: Sở Tư pháp",
                  "16 giờ 00 phút, ngày 04 tháng 3 năm 2026", "Trả kết quả"):
        assert field in text, field


def test_form_07_tracking_register_as_pdf_and_xlsx(world, tmp_path):
    from openpyxl import load_workbook

    for day in (2, 3):
        svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, day, 8))
    svc.dossier_intake_at_counter(officer=world.officer, filing=_business_filing(world),
                                  at=vn(2026, 3, 3, 9))
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    data = pdf.render_tracking_register(agency=world.centre, start=start, end=end)
    render_png("07_tracking_register", data, tmp_path)
    reader = PdfReader(io.BytesIO(data))
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    for field in ("SỔ THEO DÕI HỒ SƠ", "Mã hồ sơ", "Hẹn trả kết quả",
                  "Trả kết quả cho cá nhân, tổ chức", "Công ty TNHH Lúa Vàng Cần Thơ",
                  "Từ ngày 01 tháng 3 năm 2026 đến ngày 31 tháng 3 năm 2026"):
        assert " ".join(field.split()) in " ".join(text.split()), field
    sheet = load_workbook(io.BytesIO(tracking_register_xlsx(agency=world.centre, start=start,
                                                             end=end))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1] == "Mã hồ sơ"
    assert len(rows) == 3 + 3
    assert any("MST 1800123456-001" in (r[4] or "") for r in rows[3:])


def test_a_commune_form_names_the_commune_and_its_committee(world, tmp_path):
    version = make_procedure(code="2.000001", name="Chứng thực bản sao", field=world.version.field,
                             centre=world.commune, handling=world.commune.parent)
    officer = make_user("officer.nk", "Hồ Thị Lan", officer=world.commune)
    documents = [svc.SubmittedDocument(required_document_id=d.id, originals=d.originals,
                                       copies=d.copies) for d in version.documents.all()]
    d = svc.dossier_intake_at_counter(
        officer=officer, at=vn(2026, 1, 5, 8),
        filing=svc.Filing(procedure_version=version, receiving_agency=world.commune,
                          applicant=svc.Applicant(name="Lý Văn Tám"), documents=documents))
    data = pdf.render_receipt(d)
    render_png("01_receipt_commune", data, tmp_path)
    text = pdf_text(data)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU" in text  # the parent authority, top left
    assert "Ninh Kiều, ngày 05 tháng 01 năm 2026" in text  # the issuer's place; month 01


def test_dates_follow_decree_30():
    assert date_words(datetime.date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_words(datetime.date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert date_words(datetime.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert date_words(datetime.date(2026, 12, 10)) == "ngày 10 tháng 12 năm 2026"


def test_names_in_the_header_never_break_inside_a_word(world):
    """Each line of the issuer block is made of whole words of the agency's name."""
    reader = PdfReader(io.BytesIO(pdf.render_receipt(
        svc.dossier_intake_at_counter(officer=world.officer, filing=world.filing(),
                                      at=vn(2026, 3, 2, 8)))))
    lines = (reader.pages[0].extract_text() or "").splitlines()
    words = set("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".split())
    header = [line for line in lines[:6] if line.strip() and line.isupper()
              and "CỘNG HÒA" not in line]
    for line in header:
        for word in line.split():
            if word.isalpha():
                assert word in words, (word, line)
