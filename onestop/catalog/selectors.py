"""Read queries over the catalog: versions in force, the citizen's search, a procedure page."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import and_

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from onestop.agencies.models import Agency
from onestop.core.text import fold, fold_tokens

from .models import Fee, Field, ProcedureVersion, RequiredDocument


def _in_force_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": ProcedureVersion.State.PUBLISHED,
                f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def versions_in_force(*, on: datetime.date | None = None) -> QuerySet[ProcedureVersion]:
    day = on or timezone.localdate()
    return ProcedureVersion.objects.filter(_in_force_q(day)).select_related("procedure", "field")


def version_in_force(*, procedure_code: str, on: datetime.date | None = None) -> ProcedureVersion:
    return versions_in_force(on=on).get(procedure__code=procedure_code)


# ---- the citizen's catalog ------------------------------------------------------------------

# Ranks of a search hit: the whole query inside the name, every word in the name, elsewhere.
RANK_PHRASE_IN_NAME, RANK_WORDS_IN_NAME, RANK_ELSEWHERE = 0, 1, 2


def procedure_search(
    *, query: str = "", field_code: str = "", agency_id: int | None = None,
    online_level: str = "", on: datetime.date | None = None,
) -> QuerySet[ProcedureVersion]:
    """Versions in force matching every word of `query`, ignoring accents and case.

    Words are matched against the folded columns with `__contains` (LIKE on both
    databases): every word must appear in the name or in the other searchable text (legal
    basis, field, documents, code, result). Name matches come first, then by name.
    """
    qs = versions_in_force(on=on)
    if field_code:
        qs = qs.filter(field__code=field_code)
    if agency_id is not None:
        qs = qs.filter(competent_agencies__id=agency_id)
    if online_level:
        qs = qs.filter(online_level=online_level)
    tokens = fold_tokens(query)
    if tokens:
        qs = qs.filter(reduce(and_, (Q(search_name__contains=t) | Q(search_text__contains=t)
                                     for t in tokens)))
        in_name = reduce(and_, (Q(search_name__contains=t) for t in tokens))
        qs = qs.annotate(rank=Case(
            When(search_name__contains=fold(query), then=Value(RANK_PHRASE_IN_NAME)),
            When(in_name, then=Value(RANK_WORDS_IN_NAME)),
            default=Value(RANK_ELSEWHERE), output_field=IntegerField(),
        ))
    else:
        qs = qs.annotate(rank=Value(RANK_PHRASE_IN_NAME, output_field=IntegerField()))
    if agency_id is not None:
        qs = qs.distinct()
    return qs.only(
        "id", "name", "name_en", "search_name", "online_level", "processing_days", "procedure__id",
        "procedure__code", "field__id", "field__code", "field__name", "field__name_en",
    ).order_by("rank", "search_name", "procedure__code")


def fields_in_force(*, on: datetime.date | None = None) -> list[Field]:
    """Fields with at least one procedure in force, each with `procedure_count`."""
    day = on or timezone.localdate()
    return list(
        Field.objects.annotate(
            procedure_count=Count("procedureversion", filter=_in_force_q(day, "procedureversion__"))
        ).filter(procedure_count__gt=0).order_by("name")
    )


def competent_agencies_in_force(*, on: datetime.date | None = None) -> list[Agency]:
    """Agencies competent for at least one procedure in force (the catalog's agency filter)."""
    day = on or timezone.localdate()
    ids = ProcedureVersion.objects.filter(_in_force_q(day)).values("competent_agencies__id")
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def receiving_centres() -> list[Agency]:
    """Every active centre that receives dossiers.

    Decree 118/2025/NĐ-CP: since 1 July 2025 provincial and commune public administration
    service centres accept dossiers whatever the applicant's commune in the province.
    """
    centres = Agency.objects.filter(kind__in=Agency.RECEIVING_KINDS, is_active=True)
    # The city's centre first, then the commune counters by name.
    return sorted(centres, key=lambda a: (a.kind != Agency.Kind.SERVICE_CENTRE, a.name))


def procedure_page(*, code: str, on: datetime.date | None = None) -> ProcedureVersion:
    """The version in force of one procedure with what its public page shows (4 queries)."""
    return versions_in_force(on=on).prefetch_related(
        Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id")),
        Prefetch("fees", queryset=Fee.objects.order_by("id")),
        Prefetch("competent_agencies", queryset=Agency.objects.order_by("name")),
    ).get(procedure__code=code)


def blank_form(*, code: str, document_id: int) -> RequiredDocument:
    """The blank form (template) of one required document of a procedure in force."""
    document = (RequiredDocument.objects.filter(
        version__in=versions_in_force(), version__procedure__code=code, pk=document_id)
        .exclude(template="").first())
    if document is None:
        raise RequiredDocument.DoesNotExist("No blank form here.")
    return document


def suggestions(*, query: str, limit: int = 8) -> list[ProcedureVersion]:
    """What the search box offers while one types: the best hits of `procedure_search`."""
    if len(query.strip()) < 2:
        return []
    return list(procedure_search(query=query)[:limit])
