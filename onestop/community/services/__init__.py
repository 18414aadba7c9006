"""Writes of the community app: teams, members, household visits and their corrections.

Each function is one transaction that checks the rule, writes and appends the audit event.
`visit_record` is idempotent on the visit's `client_id` (made on the phone): the same body
sent again is the same visit, a different body under the same id is a conflict, and two
identical sends at the same moment store one visit (the unique constraint decides; the loser
reads the winner's row).
"""

from .boundaries import BOUNDARY_MAX_BYTES, CODE_PROPERTIES, BoundariesRefused, boundaries_import
from .campaigns import campaign_create
from .teams import (
    REQUIRED_TEAM_COLUMNS,
    TEAM_COLUMNS,
    TEAM_IMPORT_MAX_ROWS,
    TeamRow,
    TeamsImported,
    TeamsImportRefused,
    commune_households_set,
    team_create,
    team_member_add,
    teams_import,
)
from .visits import (
    CLOCK_SKEW,
    CORRECTABLE,
    VisitConflict,
    VisitPayload,
    VisitResult,
    household_key,
    normalize_whitespace,
    visit_correct,
    visit_follow_up_close,
    visit_record,
)

__all__ = [
    "BOUNDARY_MAX_BYTES", "CLOCK_SKEW", "CODE_PROPERTIES", "CORRECTABLE",
    "REQUIRED_TEAM_COLUMNS", "TEAM_COLUMNS", "TEAM_IMPORT_MAX_ROWS", "BoundariesRefused",
    "TeamRow", "TeamsImportRefused", "TeamsImported", "VisitConflict", "VisitPayload",
    "VisitResult", "boundaries_import", "campaign_create", "commune_households_set",
    "household_key", "normalize_whitespace", "team_create", "team_member_add", "teams_import",
    "visit_correct", "visit_follow_up_close", "visit_record",
]
