"""Issue 17 item 1: a procedure's blank forms go through the one upload check (office
documents allowed) and are downloaded, never shown (they used to be raw /media/ links)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.catalog.admin import RequiredDocumentForm


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _form(city, upload):
    document = city.version.documents.first()
    data = {f: getattr(document, f) for f in ("name", "originals", "copies", "order")}
    data.update(version=city.version.pk, optional=document.optional)
    return RequiredDocumentForm(data, {"template": upload}, instance=document)


def test_the_admin_refuses_an_html_blank_form_and_keeps_a_docx(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    refused = _form(city, SimpleUploadedFile("mau.docx", b"<html><script>1</script></html>"))
    assert not refused.is_valid()
    assert "template" in refused.errors
    kept = _form(city, SimpleUploadedFile("to-khai.bin", _docx()))
    assert kept.is_valid(), kept.errors
    assert kept.save().template.name.endswith("to-khai.docx")


def test_the_portal_offers_a_blank_form_as_a_download_that_runs_nothing(city, client, settings,
                                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = city.version.documents.first()
    document.template.save("mau.html", ContentFile(b"<html><script>1</script></html>"))
    url = f"/thu-tuc/{city.version.procedure.code}/mau/{document.pk}/"
    assert url in client.get(f"/thu-tuc/{city.version.procedure.code}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert client.get("/media/" + document.template.name).status_code == 404
