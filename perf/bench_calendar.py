"""Runs perf/bench_workcalendar.py (unchanged, in its own process) and reads its numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench_workcalendar.py"


@dataclass
class CalendarResult:
    due_per_s: float
    baseline_per_s: float
    target_per_s: int
    output: str


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"bench_workcalendar.py printed no {pattern!r}:\n{text}")
    return float(match.group(1).replace(",", ""))


def run(timeout: float = 300) -> CalendarResult:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=timeout, check=True)
    out = done.stdout
    return CalendarResult(
        due_per_s=_number(r"due\(\):\s+([\d,]+) calls/s", out),
        baseline_per_s=_number(r"baseline \(\+delta\):\s+([\d,]+) calls/s", out),
        target_per_s=int(_number(r"target ([\d,]+) calls/s", out)),
        output=out,
    )
