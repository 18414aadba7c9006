"""`onestop edxml read|write|verify` as other tools call it: a process, its output, its exit code.

Run with an empty environment but for PATH, so no database and no secret key is available.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CITY, SAMPLES

ONESTOP = str(Path(sys.executable).with_name("onestop"))
pytestmark = pytest.mark.slow  # each test starts `onestop` processes


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "ONESTOP_DATA_DIR": str(cwd / "no-data"),
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run([ONESTOP, "edxml", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_read_prints_the_fields_of_a_message_written_elsewhere(tmp_path: Path) -> None:
    result = run("read", SAMPLES / "sdk_new_document.edxml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fields = json.loads(result.stdout)
    assert set(fields) == {"kind", "document_id", "from", "to", "code_number", "code_notation",
                           "promulgation_date", "subject", "business_type", "attachments"}
    assert fields["promulgation_date"] == "2026-03-02" and fields["business_type"] == 0
    assert fields["attachments"][0]["sha256"].startswith("2f0cca0e")
    status = json.loads(run("read", SAMPLES / "soap_status.xml", cwd=tmp_path).stdout)
    assert status == {"kind": "status", "document_id": "000.00.00.H92,2026/03/02,1234/UBND-VP",
                      "from": {"organ_id": "000.01.00.H92",
                               "organ_name": "Sở Tư pháp thành phố Cần Thơ"},
                      "status_code": "02", "description": "Văn bản gửi nhầm đơn vị"}


def test_read_exits_2_with_one_line_on_stderr_for_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'><oops></edXML>")
    result = run("read", bad, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("malformed:")


def test_write_sign_verify_and_read_back(tmp_path: Path, demo_ca: Path) -> None:
    (tmp_path / "cv.pdf").write_bytes(b"%PDF-1.4 demo")
    spec = {
        "kind": "document", "from": {"organ_id": CITY, "organ_name": "UBND thành phố"},
        "to": [{"organ_id": "000.01.00.H92", "organ_name": "Sở Tư pháp"}],
        "code_number": "15", "code_notation": "QĐ-UBND", "promulgation_date": "2026-05-04",
        "subject": "Quyết định thử", "business_type": 0,
        "attachments": [{"path": "cv.pdf", "name": "cv.pdf", "content_type": "application/pdf"}],
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False))
    out = tmp_path / "out.edxml"
    result = run("write", "spec.json", "--out", out, "--sign-key", demo_ca / f"{CITY}.key.pem",
                 "--sign-cert", demo_ca / f"{CITY}.cert.pem", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    read = json.loads(run("read", out, cwd=tmp_path).stdout)
    assert read["document_id"] == f"{CITY},2026/05/04,15/QĐ-UBND"
    assert read["attachments"][0]["name"] == "cv.pdf"

    untrusted = run("verify", out, cwd=tmp_path)
    assert untrusted.returncode == 1 and untrusted.stderr.startswith("untrusted:")
    ok = run("verify", out, "--trust", demo_ca / "demo-ca.cert.pem", cwd=tmp_path)
    assert ok.returncode == 0 and "(demo)" in ok.stdout

    changed = tmp_path / "changed.edxml"
    changed.write_bytes(out.read_bytes().replace("Quyết định thử".encode(), b"Khac"))
    bad = run("verify", changed, "--trust", demo_ca / "demo-ca.cert.pem", cwd=tmp_path)
    assert bad.returncode == 1 and "MessageHeader" in bad.stderr
    assert bad.stderr.startswith("bad_signature:")


def test_verify_names_a_missing_signature_and_a_bad_spec_exits_2(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "gateway_document.edxml", tmp_path / "g.edxml")
    unsigned = run("verify", "g.edxml", cwd=tmp_path)
    assert unsigned.returncode == 1 and unsigned.stderr.startswith("unsigned:")
    (tmp_path / "spec.json").write_text('{"kind": "document", "from": {"organ_id": "x"}}')
    result = run("write", "spec.json", "--out", "x.edxml", cwd=tmp_path)
    assert result.returncode == 2 and "to" in result.stderr


@pytest.mark.parametrize("code", ["01", "16"])
def test_write_a_status(tmp_path: Path, code: str) -> None:
    spec = {"kind": "status", "from": {"organ_id": "000.01.00.H92", "organ_name": "Sở"},
            "document_id": f"{CITY},2026/05/04,15/QĐ-UBND", "status_code": code,
            "description": "Đã nhận"}
    (tmp_path / "s.json").write_text(json.dumps(spec, ensure_ascii=False))
    assert run("write", "s.json", "--out", "s.xml", cwd=tmp_path).returncode == 0
    assert json.loads(run("read", "s.xml", cwd=tmp_path).stdout) == spec
