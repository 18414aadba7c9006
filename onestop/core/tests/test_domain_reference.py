"""The domain reference the code cites ships with it, and every cited section exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CITATION = re.compile(r"domain\.md\)? §(\d+)")


def test_every_cited_section_of_the_domain_reference_exists():
    reference = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", reference, flags=re.MULTILINE))
    cited = {}
    for path in [*(ROOT / "onestop").rglob("*.py"), *(ROOT / "docs").glob("*.md")]:
        for number in CITATION.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(number, path.relative_to(ROOT))
    assert cited, "the code cites the domain reference"
    assert {n: p for n, p in cited.items() if n not in sections} == {}


def test_no_comment_cites_a_document_that_does_not_ship():
    stale = [str(path.relative_to(ROOT)) for path in (ROOT / "onestop").rglob("*.py")
             if re.search(r"\bDOMAIN(\.md)? §", path.read_text(encoding="utf-8"))]
    assert stale == []
