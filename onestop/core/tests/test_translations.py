"""The Vietnamese catalog is complete, compiled, and what the pages actually show."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from onestop.core.management.commands.messages import catalogs
from onestop.dossiers.models import Channel, Status

# Every app owns its catalog (docs/translations.md); the checks below run on each of them.
CATALOGS = catalogs()


def _catalog_id(po):
    return po.parts[-5] if po.parts[-5] != "onestop" else "project"


# TrangThaiHoSo and KenhThucHien exactly as the national public service portal names them.
NATIONAL_STATUS_NAMES = {
    Status.SUBMITTED: "Mới đăng ký",
    Status.RECEIVED: "Được tiếp nhận",
    Status.REFUSED: "Không được tiếp nhận",
    Status.IN_PROCESS: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    Status.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.RESULT_READY: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}
NATIONAL_CHANNEL_NAMES = {
    Channel.COUNTER: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POST: "Qua dịch vụ bưu chính công ích",
}


# ---- a small .po reader (polib is not a dependency) ----------------------------------------

@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        # The key GNU gettext uses in a compiled catalog: context EOT msgid.
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def value_of(literal: str) -> str:
        return str(ast.literal_eval(literal))

    def store(entry: Entry, slot: tuple[str, int], text: str) -> None:
        name, index = slot
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):
            if current is None:
                current = Entry(line=number, obsolete=True)
                entries.append(current)
            continue
        if line.startswith("#,"):
            if current is None:
                current = Entry(line=number)
                entries.append(current)
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            name, index, literal = match.groups()
            if current is None or (name in ("msgid", "msgctxt") and target
                                   and target[0] == "msgstr"):
                current = Entry(line=number)
                entries.append(current)
            target = (name, int(index or 0))
            store(current, target, value_of(literal))
        elif line.startswith('"') and current is not None and target is not None:
            store(current, target, value_of(line))
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def messages(po: Path | None = None) -> list[Entry]:
    paths = [po] if po is not None else CATALOGS
    return [e for path in paths for e in read_po(path) if e.msgid and not e.obsolete]


_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[\w.]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


# ---- (a) complete ------------------------------------------------------------------------

def test_the_catalogs_hold_a_few_hundred_messages():
    assert len(CATALOGS) > 10
    assert len({e.key for e in messages()}) > 1000


@pytest.mark.parametrize("po", CATALOGS, ids=_catalog_id)
def test_every_catalog_has_a_vietnamese_header(po):
    header = next(e for e in read_po(po) if e.msgid == "")
    assert "Language: vi\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert "fuzzy" not in header.flags


def test_a_message_shared_by_two_apps_reads_the_same_in_both():
    seen: dict[str, dict[int, str]] = {}
    differing = []
    for e in messages():
        if e.key in seen and seen[e.key] != e.msgstr:
            differing.append(e.msgid)
        seen.setdefault(e.key, e.msgstr)
    assert differing == []


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [f"{po}:{e.line} {e.msgid!r}" for po in CATALOGS for e in messages(po)
                    if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    fuzzy = [f"{po}:{e.line} {e.msgid!r}" for po in CATALOGS for e in messages(po)
             if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_exactly_the_one_vietnamese_form():
    plurals = [e for e in messages() if e.msgid_plural is not None]
    assert plurals, "the queue's dossier count is a plural message"
    assert [e.msgid for e in plurals if sorted(e.msgstr) != [0]] == []


def test_translations_keep_every_placeholder():
    wrong = []
    for e in messages():
        wanted = placeholders(e.msgid)
        for s in e.msgstr.values():
            if placeholders(s) != wanted:
                wrong.append((e.msgid, s))
    assert wrong == []


def test_translations_are_vietnamese_not_copies_of_the_english():
    # Words that read the same in both languages (brand, codes) are the only exceptions.
    copied = [e.msgid for e in messages() if e.msgstr.get(0) == e.msgid]
    assert copied == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", CATALOGS, ids=_catalog_id)
def test_msgfmt_counts_only_translated_messages(tmp_path, po):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", str(tmp_path / "check.mo"), str(po)],
        capture_output=True, text=True, check=False, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip()), result.stderr


# ---- (b) compiled and current ------------------------------------------------------------

@pytest.mark.parametrize("po", CATALOGS, ids=_catalog_id)
def test_the_compiled_catalog_matches_the_po_file(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for e in read_po(po):
        if e.obsolete:
            continue
        if e.msgid_plural is not None:
            for index, text in e.msgstr.items():
                expected[(e.key, index)] = text
        else:
            expected[e.key] = e.msgstr[0]
    # msgfmt leaves the POT-Creation-Date out of the compiled header; makemessages bumps it.
    expected[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", expected[""])
    stale = sorted(repr(k) for k in expected.keys() ^ compiled.keys())
    assert stale == [], f"{po.with_suffix('.mo')} is out of date: run onestop messages"
    assert {k: v for k, v in expected.items() if compiled[k] != v} == {}, (
        f"{po.with_suffix('.mo')} is out of date: run onestop messages"
    )


# ---- (c) in use --------------------------------------------------------------------------

def test_statuses_and_channels_carry_the_national_portal_names_in_vietnamese():
    with translation.override("vi"):
        assert {s: str(s.label) for s in Status} == NATIONAL_STATUS_NAMES
        assert {c: str(c.label) for c in Channel} == NATIONAL_CHANNEL_NAMES


def test_the_same_labels_stay_english_in_english():
    with translation.override("en"):
        assert str(Status.RECEIVED.label) == "Received"
        assert str(Status.RESULT_READY.label) == "Result ready"
        assert str(Channel.POST.label) == "Public postal service"


def test_contexts_keep_a_date_label_apart_from_the_status_name():
    with translation.override("vi"):
        assert translation.pgettext("date label", "Received") == "Ngày tiếp nhận"
        assert translation.gettext("Received") == "Được tiếp nhận"
        assert translation.ngettext("%(counter)s dossier", "%(counter)s dossiers", 2) % {
            "counter": 2} == "2 hồ sơ"


# ---- (d) on the page ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_login_page_is_vietnamese_by_default(client):
    page = client.get(reverse("backoffice:login")).content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập dành cho cán bộ" in page
    assert "Staff sign-in" not in page


@pytest.mark.django_db
def test_the_login_page_is_english_once_english_is_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("backoffice:login")})
    page = client.get(reverse("backoffice:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Staff sign-in" in page
    assert "Đăng nhập dành cho cán bộ" not in page


@pytest.mark.django_db
def test_the_language_cookie_alone_switches_the_page(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Staff sign-in" in client.get(reverse("backoffice:login")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Đăng nhập dành cho cán bộ" in client.get(reverse("backoffice:login")).content.decode()
