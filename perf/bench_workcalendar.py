"""Benchmark WorkCalendar.due() on one core.

Run: ``python perf/bench_workcalendar.py``. Prints due() calls per second, a
baseline (``start + timedelta``, the cheapest possible "deadline" arithmetic)
measured in the same run, and their ratio. The target is >= 200,000 due()
calls per second.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

# Allow running from a checkout without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from onestop.core.workcalendar import vietnam_calendar  # noqa: E402

SEED = 20260213
N_CASES = 20_000
REPEATS = 5
TARGET_PER_SECOND = 200_000


def make_cases(rng: random.Random) -> list[tuple[datetime, Decimal]]:
    """Start moments spread over 2025-2027 and durations of 0.5-30 working days."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    # Mostly local moments, some in UTC: callers may hand in either.
    zones = [zone, zone, zone, UTC]
    lo = int(datetime(2025, 1, 1, tzinfo=zone).timestamp())
    hi = int(datetime(2027, 12, 31, tzinfo=zone).timestamp())
    cases = []
    for _ in range(N_CASES):
        start = datetime.fromtimestamp(rng.randrange(lo, hi), rng.choice(zones))
        days = Decimal(rng.randint(1, 60)) / 2  # 0.5 .. 30 in half-day steps
        cases.append((start, days))
    return cases


def best_rate(run: Callable[[], None], calls: int) -> float:
    """Best-of-REPEATS calls per second (least disturbed by other processes)."""
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return calls / best


def main() -> None:
    rng = random.Random(SEED)
    calendar = vietnam_calendar(first_year=2024, last_year=2030)
    cases = make_cases(rng)
    deltas = [(start, timedelta(days=int(days))) for start, days in cases]
    due = calendar.due

    def run_due() -> None:
        for start, days in cases:
            due(start, days)

    def run_baseline() -> None:
        for start, delta in deltas:
            start + delta  # noqa: B018 - the expression is what is measured

    run_due()  # Warm-up (fills the duration cache like a long-running server).
    due_rate = best_rate(run_due, len(cases))
    base_rate = best_rate(run_baseline, len(deltas))
    print(f"cases: {len(cases)} x best of {REPEATS}, seed {SEED}")
    print(f"due():             {due_rate:>12,.0f} calls/s")
    print(f"baseline (+delta): {base_rate:>12,.0f} calls/s")
    print(f"ratio baseline/due: {base_rate / due_rate:.1f}x slower than start + timedelta")
    verdict = "OK" if due_rate >= TARGET_PER_SECOND else "BELOW TARGET"
    print(f"target {TARGET_PER_SECOND:,} calls/s: {verdict}")


if __name__ == "__main__":
    main()
