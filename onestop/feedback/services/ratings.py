"""Ratings: the applicant rates a returned dossier once, on every active criterion."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from onestop.dossiers.models import Dossier, Status

from ..models import (
    SCORE_MAX,
    SCORE_MIN,
    Rating,
    RatingCriterion,
    RatingScore,
)

COMMENT_MAX = 2000


def _clean_scores(
    scores: Mapping[str, object], criteria: Iterable[RatingCriterion]
) -> dict[int, int]:
    """{criterion id: score} for exactly the active criteria, each an integer 1..5."""
    by_code = {c.code: c for c in criteria}
    unknown = sorted(set(scores) - set(by_code))
    if unknown:
        raise ValidationFailed(_("Unknown rating criteria: %(codes)s."), codes=", ".join(unknown))
    missing = [c.label for code, c in by_code.items() if code not in scores]
    if missing:
        raise ValidationFailed(_("Give a score for: %(names)s."), names="; ".join(missing))
    out: dict[int, int] = {}
    for code, raw in scores.items():
        # bool is an int in Python; True must not pass as a score of 1.
        value = raw if type(raw) is int else None
        if value is None and isinstance(raw, str) and raw.strip().isdigit():
            value = int(raw.strip())
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise ValidationFailed(
                _("The score for “%(name)s” must be a whole number from %(low)s to %(high)s."),
                name=by_code[code].label, low=SCORE_MIN, high=SCORE_MAX,
            )
        out[by_code[code].pk] = value
    return out


@transaction.atomic
def rating_submit(
    *, dossier_id: int, citizen: Any, scores: Mapping[str, object], comment: str = "",
    at: datetime.datetime | None = None,
) -> Rating:
    """The applicant rates a returned dossier once, on every active criterion (1..5)."""
    at = now_or(at)
    try:
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
    except Dossier.DoesNotExist as exc:
        raise NotAllowed(_("Only the applicant can rate this dossier.")) from exc
    if citizen is None or dossier.applicant_id is None or dossier.applicant_id != citizen.pk:
        raise NotAllowed(_("Only the applicant can rate this dossier."))
    if dossier.status != Status.RETURNED:
        raise InvalidTransition(_("A dossier can be rated once its result has been returned."))
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise Conflict(_("This dossier has already been rated."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("The comment is too long (at most %(max)s characters)."),
                               max=COMMENT_MAX)
    criteria = list(RatingCriterion.objects.filter(active=True))
    if not criteria:
        raise ValidationFailed(_("Rating is not available: no criteria are set up."))
    clean = _clean_scores(scores, criteria)
    try:
        with transaction.atomic():  # a savepoint: the unique dossier is the last guard
            rating = Rating.objects.create(dossier=dossier, citizen=citizen, comment=comment,
                                           created_at=at)
    except IntegrityError as exc:
        raise Conflict(_("This dossier has already been rated.")) from exc
    RatingScore.objects.bulk_create(
        RatingScore(rating=rating, criterion_id=cid, score=value) for cid, value in clean.items()
    )
    codes = {c.pk: c.code for c in criteria}
    audit_append(
        actor=citizen, action="rating.submit", object_type="rating", object_id=rating.pk,
        to_state="rated", at=at,
        data={"dossier": dossier.code, "scores": {codes[k]: v for k, v in clean.items()},
              "comment": bool(comment)},
    )
    return rating
