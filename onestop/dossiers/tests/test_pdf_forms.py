"""The printed forms (Circular 03/2025/TT-VPCP) come out as valid A4 PDFs in Vietnamese.

Each dossier is built through the real services; the text is read back out of the PDF, so
a missing font, a broken diacritic or a wrong time zone shows up here.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from onestop.core.errors import ValidationFailed
from onestop.dossiers import pdf
from onestop.dossiers import services as svc
from onestop.dossiers.models import ApologyLetter
from onestop.testing import vn

pytestmark = pytest.mark.django_db

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
A4_POINTS = (595.28, 841.89)


def pdf_text(data: bytes) -> str:
    """All pages' text, NFC-normalised, whitespace collapsed (lines wrap anywhere)."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 0), round(height, 0)) == (round(A4_POINTS[0]), round(A4_POINTS[1]))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def received(city, at=None):
    return svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                         at=at or vn(2026, 3, 2, 8))


def test_receipt_states_code_appointment_documents_and_applicant(city):
    dossier = received(city)
    text = pdf_text(pdf.render_receipt(dossier))
    assert NATIONAL_TITLE in text
    assert MOTTO in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Cần Thơ, ngày 02 tháng 3 năm 2026" in text
    assert "000.00.00.H99-260302-0001" in text
    assert "vào lúc 08 giờ 00 phút, ngày 05 tháng 3 năm 2026" in text
    assert "Nguyễn Văn An" in text
    assert "Đăng ký khai sinh" in text
    for name in ("Tờ khai theo mẫu", "Giấy tờ tùy thân", "Giấy ủy quyền"):
        assert name in text
    assert "Trần Thị Bình" in text  # the officer who received it
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text  # the receiving centre, top left


def test_receipt_shows_vietnam_time_whatever_the_active_time_zone(city):
    dossier = received(city)
    with timezone.override("UTC"):
        text = pdf_text(pdf.render_receipt(dossier))
    assert "08 giờ 00 phút, ngày 05 tháng 3 năm 2026" in text
    assert "01 giờ 00 phút" not in text


def test_receipt_place_comes_from_settings(city):
    dossier = received(city)
    with override_settings(ONESTOP_CITY_PLACE="Sóc Trăng"):
        text = pdf_text(pdf.render_receipt(dossier))
    assert "Sóc Trăng, ngày 02 tháng 3 năm 2026" in text


def test_receipt_refused_for_a_dossier_not_yet_received(city):
    online = svc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 2, 8))
    with pytest.raises(ValidationFailed):
        pdf.render_receipt(online)


def test_lookup_url_is_the_public_tra_cuu_page_of_the_code():
    with override_settings(PUBLIC_BASE_URL="https://dichvucong.cantho.example"):
        url = pdf.public_lookup_url("000.00.00.H99-260302-0001")
    assert url == "https://dichvucong.cantho.example/tra-cuu/?code=000.00.00.H99-260302-0001"


def test_receipt_qr_decodes_to_the_lookup_url(city, tmp_path: Path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("needs pdftoppm (poppler-utils) and zbarimg (zbar-tools) to read the QR")
    dossier = received(city)
    with override_settings(PUBLIC_BASE_URL="https://dichvucong.cantho.example"):
        data = pdf.render_receipt(dossier)
    (tmp_path / "receipt.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1",
                    str(tmp_path / "receipt.pdf"), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == f"https://dichvucong.cantho.example/tra-cuu/?code={dossier.code}"


def test_supplement_request_lists_items_and_reason(city):
    dossier = received(city)
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    request = svc.dossier_request_supplement(
        dossier_id=dossier.pk, actor=city.specialist,
        reason="Bản sao giấy tờ tùy thân không rõ nét",
        items="Bản sao Căn cước công dân có chứng thực\nGiấy xác nhận thông tin về cư trú",
        at=vn(2026, 3, 3, 9, 30),
    )
    text = pdf_text(pdf.render_supplement_request(request))
    assert NATIONAL_TITLE in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Cần Thơ, ngày 03 tháng 3 năm 2026" in text
    assert dossier.code in text
    assert "Nguyễn Văn An" in text and "Đăng ký khai sinh" in text
    assert "Bản sao Căn cước công dân có chứng thực" in text
    assert "Giấy xác nhận thông tin về cư trú" in text
    assert "Bản sao giấy tờ tùy thân không rõ nét" in text
    assert "09 giờ 30 phút, ngày 03 tháng 3 năm 2026" in text
    assert "Lê Văn Cường" in text  # the specialist who asked


def test_refusal_gives_the_reason_recorded_when_refusing(city):
    online = svc.dossier_submit_online(filing=city.filing(), at=vn(2026, 3, 2, 8))
    svc.dossier_refuse(dossier_id=online.pk, officer=city.officer,
                       reason="Thủ tục không thuộc thẩm quyền giải quyết của cơ quan",
                       at=vn(2026, 3, 3, 10))
    text = pdf_text(pdf.render_refusal(online))
    assert NATIONAL_TITLE in text and MOTTO in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Cần Thơ, ngày 03 tháng 3 năm 2026" in text
    assert "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan" in text
    assert "Nguyễn Văn An" in text and "Đăng ký khai sinh" in text
    assert "Trần Thị Bình" in text


def test_refusal_form_needs_a_refused_dossier(city):
    dossier = received(city)
    with pytest.raises(ValidationFailed):
        pdf.render_refusal(dossier)


def test_apology_draft_is_watermarked_and_unsigned_then_signed(city):
    dossier = received(city)
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    letter = svc.apology_prepare(dossier_id=dossier.pk, at=vn(2026, 3, 4, 15),
                                 reason="Cần xác minh thêm thông tin với cơ quan khác")
    assert letter is not None and letter.state == ApologyLetter.State.DRAFT

    draft = pdf_text(pdf.render_apology(letter))
    assert "DỰ THẢO / DRAFT" in draft
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in draft
    assert "SỞ TƯ PHÁP" in draft  # issued by the competent agency
    assert "08 giờ 00 phút, ngày 05 tháng 3 năm 2026" in draft  # the old appointment
    # Remaining steps: 2 + 0.5 working days = 20 h from Thu 08:00 → Mon 9 March 14:00.
    assert "14 giờ 00 phút, ngày 09 tháng 3 năm 2026" in draft
    assert "Cần xác minh thêm thông tin với cơ quan khác" in draft
    assert "Phạm Minh Dũng" not in draft

    svc.apology_sign(letter_id=letter.pk, leader=city.leader, at=vn(2026, 3, 4, 16))
    letter.refresh_from_db()
    signed = pdf_text(pdf.render_apology(letter))
    assert "DỰ THẢO" not in signed
    assert "Phạm Minh Dũng" in signed
    assert "Cần Thơ, ngày 04 tháng 3 năm 2026" in signed
    assert dossier.code in signed and "Nguyễn Văn An" in signed


def test_control_slip_has_one_row_per_hand_over_with_times_people_and_timing(city):
    dossier = received(city)
    # Step dues: 2 March 14:00, 4 March 14:00, 5 March 08:00 (see test_journey).
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.specialist, at=vn(2026, 3, 4, 16))
    svc.dossier_approve(dossier_id=dossier.pk, actor=city.leader, at=vn(2026, 3, 5, 8))
    text = pdf_text(pdf.render_control_slip(dossier))
    assert NATIONAL_TITLE in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and "Nguyễn Văn An" in text and "Đăng ký khai sinh" in text
    for note in ("Tiếp nhận hồ sơ", "Chuyển kết quả về Bộ phận Một cửa"):
        assert note in text
    for person in ("Trần Thị Bình", "Lê Văn Cường", "Phạm Minh Dũng"):
        assert person in text
    # Handed over by the officer, received by the specialist; then to the leader.
    assert "09 giờ 00 phút, ngày 02 tháng 3 năm 2026" in text
    assert "16 giờ 00 phút, ngày 04 tháng 3 năm 2026" in text
    # Rows in order: early (09:00 < 14:00), late (16:00 > 14:00), on time (08:00 = 08:00).
    results = re.findall(r"Trước hạn|Đúng hạn|Quá hạn", text.split("Ghi chú", 1)[1])
    assert results == ["Trước hạn", "Quá hạn", "Đúng hạn"]


def test_control_slip_of_a_dossier_in_process_marks_the_open_step(city):
    dossier = received(city)
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    text = pdf_text(pdf.render_control_slip(dossier))
    tail = text.split("Ghi chú", 1)[1]
    assert re.findall(r"Trước hạn|Đúng hạn|Quá hạn|Đang xử lý", tail) == [
        "Trước hạn", "Đang xử lý",
    ]


def _liberation_serif_major() -> int | None:
    """Major version of the Liberation Serif that fontconfig would pick, None if unknown."""
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(["fc-match", "-f", "%{family}|%{fontversion}", "Liberation Serif"],
                         capture_output=True, text=True).stdout
    family, _, version = out.partition("|")
    if "Liberation Serif" not in family or not version.isdigit():
        return None
    return int(version) // 65536  # fontversion is a 16.16 fixed-point number


def test_forms_are_set_in_one_serif_family_without_fallback_glyphs(city):
    """Vietnamese letters missing from the font would be drawn from another one, mid-word."""
    if (_liberation_serif_major() or 0) < 2:
        pytest.skip("needs Liberation Serif 2 (Debian fonts-liberation2): version 1 has no "
                    "Vietnamese letters, so they fall back to DejaVu Serif")
    reader = PdfReader(io.BytesIO(pdf.render_receipt(received(city))))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(name.startswith("Liberation-Serif") for name in fonts), fonts
