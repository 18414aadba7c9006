from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ProcedureVersion


def versions_in_force(*, on: datetime.date | None = None) -> QuerySet[ProcedureVersion]:
    day = on or timezone.localdate()
    return (
        ProcedureVersion.objects.filter(state=ProcedureVersion.State.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("procedure", "field")
    )


def version_in_force(*, procedure_code: str, on: datetime.date | None = None) -> ProcedureVersion:
    return versions_in_force(on=on).get(procedure__code=procedure_code)
