"""The README's "Where the rules live" names one existing file per rule (issue 9).

A rule whose file was moved, split or renamed must be found again from the README: every row
names exactly one path, the path is a file that exists, and the names it cites in
parentheses (`next_dossier_code`) are in that file.
"""

from __future__ import annotations

import re
from pathlib import Path

import onestop

REPO = Path(onestop.__file__).parent.parent
README = REPO / "README.md"
PATH = re.compile(r"^(onestop|docs|perf)/[\w./-]+$")


def _rows() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Where the rules live", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("rule", "") or set(cells[1]) <= {"-", " "}:
            continue
        rows.append((cells[0], cells[1]))
    return rows


def _paths(cell: str) -> list[str]:
    quoted = re.findall(r"`([^`]+)`", cell) + re.findall(r"\]\(([^)]+)\)", cell)
    return sorted({q for q in quoted if PATH.match(q)})


def _names(cell: str) -> list[str]:
    return [q for q in re.findall(r"`([^`]+)`", cell) if not PATH.match(q)]


def test_the_table_is_there():
    assert len(_rows()) > 30


def test_every_rule_names_exactly_one_file():
    wrong = [(rule, where) for rule, where in _rows() if len(_paths(where)) != 1]
    assert not wrong, wrong


def test_every_file_named_exists():
    missing = [p for _rule, where in _rows() for p in _paths(where) if not (REPO / p).is_file()]
    assert not missing, missing


def test_every_name_cited_beside_a_file_is_in_that_file():
    wrong = []
    for rule, where in _rows():
        paths = _paths(where)
        if len(paths) != 1 or not (REPO / paths[0]).is_file():
            continue
        source = (REPO / paths[0]).read_text(encoding="utf-8")
        wrong += [(rule, name) for name in _names(where) if name.split(".")[-1] not in source]
    assert not wrong, wrong
