"""Saved drafts: an unfinished online filing is kept for the citizen's account, listed under
'Hồ sơ của tôi', continued later (another session, the files already accepted still there)
and deletable; no one else sees or deletes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.dossiers.models import Dossier, FilingDraft
from onestop.testing import PDF_BYTES

from .test_filing import DOCS, REVIEW, START, applicant, slots

pytestmark = pytest.mark.django_db
MINE = "/ho-so-cua-toi/"


def _start_a_draft(client, city):
    client.post(START, applicant(city))
    ids = slots(city)
    client.post(DOCS, {f"doc-{ids['Tờ khai theo mẫu']}": SimpleUploadedFile("to-khai.pdf",
                                                                              PDF_BYTES)})
    return FilingDraft.objects.get()


def test_a_filing_left_halfway_is_listed_and_continued_in_a_new_session(client, city, citizen):
    client.force_login(citizen)
    draft = _start_a_draft(client, city)
    assert draft.owner == citizen and draft.file_count() == 1
    # Another device: a new session of the same account.
    later = Client()
    later.force_login(citizen)
    page = later.get(MINE).content.decode()
    assert "Đăng ký khai sinh" in page and "Tiếp tục nộp hồ sơ này" in page
    assert DOCS in page  # continues where the applicant step was already done
    slot = next(s for s in later.get(DOCS).context["slots"]
                if s["document"].name == "Tờ khai theo mẫu")
    assert [f.name for f in slot["files"]] == ["to-khai.pdf"]
    # Finish it: the dossier is filed and the draft is gone from the list.
    ids = slots(city)
    later.post(DOCS, {f"doc-{ids['Giấy tờ tùy thân']}": SimpleUploadedFile("cccd.pdf",
                                                                             PDF_BYTES)})
    assert later.post(REVIEW).status_code == 302
    assert Dossier.objects.get().documents.count() == 2
    assert not FilingDraft.objects.exists()
    assert "Tiếp tục nộp hồ sơ này" not in later.get(MINE).content.decode()


def test_deleting_a_draft_removes_it_and_its_staged_files(client, city, citizen, settings,
                                                         django_capture_on_commit_callbacks):
    client.force_login(citizen)
    draft = _start_a_draft(client, city)
    staged = Path(settings.MEDIA_ROOT) / draft.staged_paths()[0]
    assert staged.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ho-so-cua-toi/ban-nhap/{draft.pk}/xoa/")
    assert response.status_code == 302 and response["Location"] == MINE
    assert not FilingDraft.objects.exists() and not staged.exists()
    # Starting again begins from the account's details, with no file.
    assert client.get(DOCS)["Location"] == START


def test_another_citizen_neither_sees_nor_deletes_a_draft(client, city, citizen,
                                                          other_citizen):
    client.force_login(citizen)
    draft = _start_a_draft(client, city)
    other = Client()
    other.force_login(other_citizen)
    assert "Đăng ký khai sinh" not in other.get(MINE).content.decode()
    assert other.post(f"/ho-so-cua-toi/ban-nhap/{draft.pk}/xoa/").status_code == 404
    assert other.get(DOCS)["Location"] == START  # their own (empty) filing
    assert FilingDraft.objects.get().file_count() == 1


def test_deleting_a_draft_needs_a_post(client, city, citizen):
    client.force_login(citizen)
    draft = _start_a_draft(client, city)
    assert client.get(f"/ho-so-cua-toi/ban-nhap/{draft.pk}/xoa/").status_code == 405
    assert FilingDraft.objects.filter(pk=draft.pk).exists()
