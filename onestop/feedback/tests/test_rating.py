"""Satisfaction ratings: only the applicant, only once the result is returned, only once,
on the criteria held as data, every score 1..5, and nothing saved when anything is wrong."""

import pytest
from django.utils.translation import gettext, override

from onestop.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from onestop.core.models import AuditEvent
from onestop.dossiers import services as svc
from onestop.feedback.models import Rating, RatingCriterion, RatingScore
from onestop.feedback.selectors import rating_for
from onestop.feedback.services import rating_submit
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db

GOOD = {"thai-do": 5, "thoi-gian": 4, "huong-dan": 3, "cong-khai": 5}


def test_the_applicant_rates_a_returned_dossier_on_every_seeded_criterion(returned, citizen):
    d = returned()
    rating = rating_submit(dossier_id=d.pk, citizen=citizen, scores=GOOD, comment=" Tốt ",
                           at=vn(2026, 3, 4, 9))
    assert rating.comment == "Tốt" and rating.created_at == vn(2026, 3, 4, 9)
    got = rating_for(d)
    assert got == rating
    assert [(s.criterion.code, s.score) for s in got.scores.all()] == list(GOOD.items())
    event = AuditEvent.objects.get(action="rating.submit")
    assert event.object_id == str(rating.pk) and event.data["scores"] == GOOD


def test_criteria_come_from_data(returned, citizen):
    RatingCriterion.objects.filter(code="cong-khai").update(active=False)
    RatingCriterion.objects.create(code="co-so", name="Cơ sở vật chất", order=9)
    d = returned()
    scores = {"thai-do": 5, "thoi-gian": 4, "huong-dan": 3, "co-so": 2}
    rating_submit(dossier_id=d.pk, citizen=citizen, scores=scores)
    assert dict(RatingScore.objects.values_list("criterion__code", "score")) == scores
    # The retired criterion is no longer accepted.
    d2 = returned()
    with pytest.raises(ValidationFailed):
        rating_submit(dossier_id=d2.pk, citizen=citizen, scores={**scores, "cong-khai": 5})


def test_only_the_applicant_may_rate(returned, city):
    d = returned()
    stranger = make_user("stranger", "Người lạ")
    for who in (stranger, city.officer, None):
        with pytest.raises(NotAllowed):
            rating_submit(dossier_id=d.pk, citizen=who, scores=GOOD)
    assert not Rating.objects.exists()


def test_a_dossier_without_an_account_cannot_be_rated(city):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                      at=vn(2026, 3, 2, 8))
    with pytest.raises(NotAllowed):
        rating_submit(dossier_id=d.pk, citizen=make_user("x", "X"), scores=GOOD)


def test_rating_waits_for_the_returned_result(city, citizen):
    d = svc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(account=citizen),
                                      at=vn(2026, 3, 2, 8))
    with pytest.raises(InvalidTransition):
        rating_submit(dossier_id=d.pk, citizen=citizen, scores=GOOD)
    assert not Rating.objects.exists()


def test_a_dossier_is_rated_once(returned, citizen):
    d = returned()
    rating_submit(dossier_id=d.pk, citizen=citizen, scores=GOOD)
    with pytest.raises(Conflict):
        rating_submit(dossier_id=d.pk, citizen=citizen, scores={**GOOD, "thai-do": 1})
    assert Rating.objects.count() == 1 and RatingScore.objects.filter(score=1).count() == 0


@pytest.mark.parametrize("bad", [0, 6, -1, "5.0", "abc", 4.5, True, None])
def test_bad_scores_are_refused_with_a_message_and_nothing_saved(returned, citizen, bad):
    d = returned()
    with override("vi"), pytest.raises(ValidationFailed) as exc:
        rating_submit(dossier_id=d.pk, citizen=citizen, scores={**GOOD, "thoi-gian": bad})
    with override("vi"):
        expected = gettext(
            "The score for “%(name)s” must be a whole number from %(low)s to %(high)s."
        ) % {"name": "Thời gian giải quyết", "low": 1, "high": 5}
        assert str(exc.value) == expected
    assert not Rating.objects.exists() and not RatingScore.objects.exists()
    assert not AuditEvent.objects.filter(action="rating.submit").exists()


def test_missing_and_unknown_criteria_are_refused(returned, citizen):
    d = returned()
    partial = dict(GOOD)
    del partial["huong-dan"]
    with pytest.raises(ValidationFailed) as exc:
        rating_submit(dossier_id=d.pk, citizen=citizen, scores=partial)
    assert "Hướng dẫn hồ sơ" in str(exc.value)
    with pytest.raises(ValidationFailed):
        rating_submit(dossier_id=d.pk, citizen=citizen, scores={**GOOD, "gia-ca": 3})
    assert not Rating.objects.exists()


def test_scores_typed_as_text_digits_are_accepted(returned, citizen):
    d = returned()
    rating_submit(dossier_id=d.pk, citizen=citizen, scores={k: str(v) for k, v in GOOD.items()})
    assert sorted(RatingScore.objects.values_list("score", flat=True)) == sorted(GOOD.values())
