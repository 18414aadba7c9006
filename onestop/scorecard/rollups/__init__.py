"""Per-dossier facts and the daily roll-ups, kept current from the audit log.

Design (docs/scorecard.md, "Roll-ups"):

* Every write in onestop appends an audit event in its own transaction
  (onestop.core.audit.audit_append), and events get a gap-free `seq` under a row lock on
  the chain head that is held until commit. So events become visible in `seq` order, and
  "every event up to seq N" is a consistent watermark: the audit log is the change feed.
* `refresh()` (a periodic job of onestop.core.scheduler, every
  ONESTOP_SCORECARD_INTERVAL seconds) reads the events after the cursor, maps them to the
  dossiers and feedback items they touched, recomputes those items' facts from the current
  rows, and applies the difference (new contributions − stored ones) to the roll-ups, then
  moves the cursor, all in one transaction holding the cursor row lock. Recomputing from
  current rows makes it idempotent: an event seen twice changes nothing the second time.
* `rebuild()` recomputes everything (or every day from a date) from the raw records, for
  data loaded around the services (bulk imports, the perf generator) and after a change of
  the working-time calendar.

A dossier contributes to up to five days: received (receipt, channel, digitisation),
finished (on time, processing time, complaints), returned (electronic result), first
settled payment (paid, online), and rated.

Modules: `facts` (what a dossier or a feedback item contributes), `store` (stored facts,
applying differences, the cursor), `feed` (`refresh`), `rebuild`.
"""

from .facts import (
    FACT_RULES,
    SETTLED,
    Fact,
    FbFact,
    compute_facts,
    compute_feedback_facts,
    is_online_payment,
    local_day,
    paused_seconds,
)
from .feed import RefreshResult, refresh
from .rebuild import RebuildResult, rebuild
from .store import sync_dossiers, sync_feedback

__all__ = [
    "FACT_RULES", "SETTLED", "Fact", "FbFact", "RebuildResult", "RefreshResult",
    "compute_facts", "compute_feedback_facts", "is_online_payment", "local_day",
    "paused_seconds", "rebuild", "refresh", "sync_dossiers", "sync_feedback",
]
