"""Pagination that stays fast on millions of rows."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: an exact COUNT(*) over a big agency's history costs seconds
    and nobody pages to row 10,001. `count_capped` tells the template to say "10,000+"."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int = 10_000, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        rows: Any = self.object_list  # a QuerySet: sliced, it counts with LIMIT in SQL
        return int(rows[: self.cap + 1].count())

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap
