"""Issue 17 item 1: an evidence file goes through the one upload check and is served as a
download that runs nothing (it used to be a raw /media/ link)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.core.errors import ValidationFailed
from onestop.scorecard import services
from onestop.testing import PDF_BYTES, make_user


@pytest.fixture
def office(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user("dto", "Văn phòng CĐS")
    user.is_superuser = True
    user.save()
    return user


def _enter(office, upload):
    return services.manual_value_enter(
        actor=office, indicator_code="published_on_time", agency=None,
        period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30),
        numerator="45", denominator="50", evidence="Báo cáo quý I", evidence_file=upload)


def test_an_html_evidence_file_is_refused(office):
    with pytest.raises(ValidationFailed):
        _enter(office, SimpleUploadedFile("bao-cao.pdf", b"<html><script>1</script></html>"))


def test_the_evidence_file_is_served_by_a_staff_page_that_lets_nothing_run(office, client):
    value = _enter(office, SimpleUploadedFile("bao-cao.html", PDF_BYTES))
    assert value.evidence_file.name.endswith("bao-cao.pdf")
    client.force_login(office)
    page = client.get(reverse("backoffice:scorecard_manage"))
    url = reverse("backoffice:scorecard_evidence", args=[value.pk])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
