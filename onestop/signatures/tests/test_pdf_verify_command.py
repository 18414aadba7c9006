"""`onestop pdf verify FILE` prints who signed and exits non-zero on a bad signature."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import transaction

from onestop.signatures.layout import DEFAULT_SLOT
from onestop.signatures.services import document_sign

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def signed_file(city, signing, tmp_path):
    import weasyprint

    signer = signing.signer(agency=city.justice, user=city.leader, position="Phó Giám đốc")
    with transaction.atomic():
        document = document_sign(
            pdf=weasyprint.HTML(string="<p>Quyết định</p>").write_pdf(), signer=signer,
            kind="result", reference="X", object_type="test", object_id=1, title="Kết quả",
            reason="Phê duyệt", slot=DEFAULT_SLOT)
    path = tmp_path / "signed.pdf"
    path.write_bytes(document.file.read())
    return path


def test_a_valid_file_prints_the_signer_and_exits_zero(signed_file, capsys):
    call_command("pdf", "verify", str(signed_file))
    out = capsys.readouterr().out
    assert "Phạm Minh Dũng" in out and "Phó Giám đốc" in out
    assert "DEMO" in out


def test_a_changed_byte_exits_one(signed_file, capsys):
    data = signed_file.read_bytes()
    at = data.index(b"stream") + 30
    signed_file.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
    with pytest.raises(SystemExit) as exit_:
        call_command("pdf", "verify", str(signed_file))
    assert exit_.value.code == 1


def test_an_untrusted_root_exits_one(signed_file, settings, capsys):
    (settings.ONESTOP_SIGNATURE_DIR / "trust" / "onestop-demo-root.pem").rename(
        settings.ONESTOP_SIGNATURE_DIR / "onestop-demo-root.pem.off")
    try:
        with pytest.raises(SystemExit) as exit_:
            call_command("pdf", "verify", "--json", str(signed_file))
    finally:
        (settings.ONESTOP_SIGNATURE_DIR / "onestop-demo-root.pem.off").rename(
            settings.ONESTOP_SIGNATURE_DIR / "trust" / "onestop-demo-root.pem")
    assert exit_.value.code == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert report["signatures"][0]["trusted"] is False


def test_a_file_that_is_no_pdf_exits_two(tmp_path):
    path = tmp_path / "not.pdf"
    path.write_bytes(b"hello")
    with pytest.raises(SystemExit) as exit_:
        call_command("pdf", "verify", str(path))
    assert exit_.value.code == 2
