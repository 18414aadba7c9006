"""The frameworks shipped with onestop, as plain data (the seed migration keeps its own copy).

SERVICE_INDEX_766_2022: the group maxima are Decision 766/QĐ-TTg's (docs/domain.md §7); the split
of a group's points between its indicators was NOT found in an authoritative source and is
onestop's choice, stored as data: change the rows (or add a framework) when the official
split is known. Thresholds are fractions (0.8 = full score at ≥ 80 %).

DTI_2022: the eight scored sub-indices of Decision 922/QĐ-BTTTT (2022) and their weights
(docs/domain.md §8), summing to 1000.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

GROUP_MAXIMA_766: Final = (
    ("publicity", Decimal("18")),
    ("progress", Decimal("20")),
    ("digitisation", Decimal("22")),
    ("online", Decimal("22")),
    ("satisfaction", Decimal("18")),
)

# (code, group, max points, threshold, measured by the platform)
INDICATORS_766: Final = (
    ("published_on_time", "publicity", Decimal("4"), Decimal("1"), False),
    ("updated_on_time", "publicity", Decimal("4"), Decimal("1"), False),
    ("components_published", "publicity", Decimal("4"), Decimal("1"), False),
    ("synced_national_portal", "publicity", Decimal("6"), Decimal("1"), True),
    ("on_time", "progress", Decimal("12"), Decimal("1"), True),
    ("processing_time", "progress", Decimal("8"), Decimal("1"), True),
    ("e_results", "digitisation", Decimal("8"), Decimal("1"), True),
    ("digitised_dossiers", "digitisation", Decimal("8"), Decimal("0.8"), True),
    ("data_reuse", "digitisation", Decimal("6"), Decimal("0.8"), False),
    ("offered_online", "online", Decimal("4"), Decimal("0.8"), True),
    ("procedures_online_filed", "online", Decimal("4"), Decimal("1"), True),
    ("online_filing", "online", Decimal("5"), Decimal("0.5"), True),
    ("procedures_online_paid", "online", Decimal("4"), Decimal("0.8"), True),
    ("online_payment", "online", Decimal("5"), Decimal("1"), True),
    ("feedback_on_time", "satisfaction", Decimal("5"), Decimal("1"), True),
    ("feedback_satisfaction", "satisfaction", Decimal("4"), Decimal("1"), False),
    ("procedure_satisfaction", "satisfaction", Decimal("5"), Decimal("0.9"), True),
    ("rating_satisfaction", "satisfaction", Decimal("4"), Decimal("1"), True),
)

# (code, Vietnamese name, weight)
DTI_2022: Final = (
    ("awareness", "Nhận thức số", 100),
    ("institutions", "Thể chế số", 100),
    ("infrastructure", "Hạ tầng số", 100),
    ("human_resources", "Nhân lực số", 100),
    ("cyber_security", "An toàn thông tin mạng", 100),
    ("digital_government", "Hoạt động chính quyền số", 200),
    ("digital_economy", "Hoạt động kinh tế số", 150),
    ("digital_society", "Hoạt động xã hội số", 150),
)
