"""The rating and feedback pages: who sees what, what is never shown, what a form refuses."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from onestop.feedback import services as svc
from onestop.feedback.models import Feedback, FeedbackState, Rating
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db

SCORES = {"score_thai-do": "5", "score_thoi-gian": "4", "score_huong-dan": "4",
          "score_cong-khai": "3", "comment": "Nhanh"}


def same_page(text: str, code: str) -> str:
    """The page without the code and the per-request CSRF token (language switcher)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text.replace(code, "X"))


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(**kw):
    data = {"sender_name": "Trần Văn Bảy", "contact": "0912345678", "subject": "Chờ lâu",
            "content": "Nội dung riêng tư", "consent_publish": True, "at": vn(2026, 3, 2, 9)}
    data.update(kw)
    return svc.feedback_submit(**data)


# ---- rating page ----------------------------------------------------------------------------

def test_the_applicant_rates_on_the_page(returned, citizen):
    d = returned()
    url = reverse("portal:rate", args=[d.pk])
    assert url == f"/danh-gia/{d.pk}/"
    c = signed_in(citizen)
    page = c.get(url)
    assert page.status_code == 200 and 'name="score_thai-do"' in page.text
    response = c.post(url, SCORES)
    assert response.status_code == 302
    assert Rating.objects.get(dossier=d).comment == "Nhanh"
    again = c.get(url)
    assert 'name="score_thai-do"' not in again.text and "Nhanh" in again.text
    assert c.post(url, SCORES).status_code == 200  # shown, not saved a second time
    assert Rating.objects.count() == 1


def test_a_bad_score_is_refused_on_the_page_with_a_translated_message(returned, citizen):
    d = returned()
    response = signed_in(citizen).post(reverse("portal:rate", args=[d.pk]),
                                       {**SCORES, "score_thoi-gian": "7"})
    assert response.status_code == 400
    with override("vi"):
        assert gettext("Choose a score from 1 to 5.") in response.text
    assert not Rating.objects.exists()


def test_anyone_but_the_applicant_gets_404(returned, city):
    d = returned()
    url = reverse("portal:rate", args=[d.pk])
    for user in (make_user("other", "Khác"), city.officer):
        assert signed_in(user).get(url).status_code == 404
        assert signed_in(user).post(url, SCORES).status_code == 404
    assert Client().get(url).status_code == 302  # to a sign-in page
    assert not Rating.objects.exists()


# ---- public feedback ----------------------------------------------------------------------------

def test_sending_shows_the_code_once_and_the_same_page_for_a_wrong_dossier_digit(city):
    from onestop.dossiers import services as dsvc
    d = dsvc.dossier_intake_at_counter(officer=city.officer, filing=city.filing(),
                                       at=vn(2026, 3, 2, 8))
    c = Client()
    base = {"sender_name": "Bảy", "contact": "0912345678", "subject": "S", "content": "C",
            "dossier_code": d.code, "consent_publish": "on"}
    r1 = c.post(reverse("portal:feedback_send"), {**base, "dossier_factor": "5678"}, follow=True)
    r2 = c.post(reverse("portal:feedback_send"), {**base, "dossier_factor": "0000"}, follow=True)
    good, wrong = Feedback.objects.order_by("id")
    assert good.dossier == d and wrong.dossier is None
    assert good.code in r1.text and wrong.code in r2.text
    # Apart from the code itself the two confirmation pages are identical.
    assert same_page(r1.text, good.code) == same_page(r2.text, wrong.code)
    assert Client().get(reverse("portal:feedback_sent")).status_code == 302  # not someone else's


def test_an_invalid_contact_is_refused_on_the_form(city):
    r = Client().post(reverse("portal:feedback_send"), {"sender_name": "A", "contact": "xyz",
                                                 "subject": "S", "content": "C"})
    assert r.status_code == 400 and not Feedback.objects.exists()


def test_public_list_shows_published_answers_and_never_contact_details(city):
    shown = send(contact="bay@example.com", subject="Đã công bố")
    svc.feedback_answer(feedback_id=shown.pk, actor=city.admin, answer="Câu trả lời công khai",
                        publish=True)
    hidden = send(consent_publish=False, subject="Không đồng ý công bố")
    svc.feedback_answer(feedback_id=hidden.pk, actor=city.admin, answer="Riêng")
    unanswered = send(subject="Chưa trả lời")
    page = Client().get(reverse("portal:feedback"))
    assert page.status_code == 200
    assert "Đã công bố" in page.text and "Câu trả lời công khai" in page.text
    assert "Không đồng ý công bố" not in page.text and unanswered.subject not in page.text
    for secret in ("bay@example.com", "0912345678", "Trần Văn Bảy"):
        assert secret not in page.text


def test_public_list_is_newest_first_and_paginated(city):
    for i in range(22):
        fb = send(subject=f"Chủ đề số {i:02d}")
        svc.feedback_answer(feedback_id=fb.pk, actor=city.admin, answer="ok", publish=True,
                            at=vn(2026, 3, 3, 8, i))
    first = Client().get(reverse("portal:feedback")).text
    assert first.index("Chủ đề số 21") < first.index("Chủ đề số 20")
    assert "Chủ đề số 01" not in first
    second = Client().get(reverse("portal:feedback") + "?page=2").text
    assert "Chủ đề số 01" in second and "Chủ đề số 00" in second


def test_lookup_answers_a_wrong_contact_like_an_unknown_code(city):
    fb = send(at=vn(2026, 3, 9, 9))
    url = reverse("portal:feedback_lookup")
    right = Client().get(url, {"code": fb.code, "contact": "0912345678"})
    assert right.status_code == 200 and fb.subject in right.text
    wrong = Client().get(url, {"code": fb.code, "contact": "0999999999"})
    unknown = Client().get(url, {"code": "PAKN-260309-0777", "contact": "0912345678"})
    assert fb.subject not in wrong.text
    assert same_page(wrong.text, fb.code) == same_page(unknown.text, "PAKN-260309-0777")
    assert "0912345678" not in right.text  # the contact is never echoed


def test_lookup_is_rate_limited(city, settings):
    from django.core.cache import cache
    cache.clear()
    settings.ONESTOP_LOOKUP_RATE_LIMIT = 2
    url = reverse("portal:feedback_lookup")
    codes = [Client().get(url, {"code": "PAKN-1", "contact": "0912345678"}).status_code
             for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


# ---- back office ------------------------------------------------------------------------------

def test_staff_of_the_agency_see_and_answer_staff_elsewhere_get_404(city):
    fb = send(procedure_code="1.001193")  # Sở Tư pháp's
    detail = reverse("backoffice:feedback", args=[fb.pk])
    assert detail == f"/backoffice/phan-anh/{fb.pk}/"
    for outsider in (city.officer, city.outsider, city.admin):
        c = signed_in(outsider)
        assert c.get(detail).status_code == 404
        assert c.post(reverse("backoffice:feedback_act", args=[fb.pk, "draft"]),
                      {"draft-version": fb.version, "draft-answer": "x"}).status_code == 404
        assert fb.code not in c.get(reverse("backoffice:feedback_queue")).text
    specialist = signed_in(city.specialist)
    assert fb.code in specialist.get(reverse("backoffice:feedback_queue")).text
    page = specialist.get(detail)
    assert page.status_code == 200 and "0912345678" in page.text  # staff may call back
    assert f'action="/backoffice/phan-anh/{fb.pk}/draft/"' in page.text
    assert f'action="/backoffice/phan-anh/{fb.pk}/answer/"' not in page.text
    r = specialist.post(reverse("backoffice:feedback_act", args=[fb.pk, "draft"]),
                        {"draft-version": fb.version, "draft-answer": "Dự thảo"})
    assert r.status_code == 302
    r = specialist.post(reverse("backoffice:feedback_act", args=[fb.pk, "answer"]),
                        {"answer-version": fb.version + 1, "answer-answer": "Dự thảo"})
    assert r.status_code == 403
    leader = signed_in(city.leader)
    r = leader.post(reverse("backoffice:feedback_act", args=[fb.pk, "answer"]),
                    {"answer-version": fb.version + 1, "answer-answer": "Trả lời",
                     "answer-publish": "on"})
    assert r.status_code == 302
    fb.refresh_from_db()
    assert fb.state == FeedbackState.PUBLISHED and fb.answered_by == city.leader


def test_queue_tabs_split_open_due_soon_and_overdue(city):
    from django.utils import timezone
    overdue = send(at=vn(2025, 1, 6, 9), subject="Quá hạn từ lâu")
    fresh = send(at=timezone.now(), subject="Mới nhận")
    c = signed_in(city.admin)
    over = c.get(reverse("backoffice:feedback_queue") + "?tab=overdue").text
    assert overdue.code in over and fresh.code not in over
    open_ = c.get(reverse("backoffice:feedback_queue")).text
    assert overdue.code in open_ and fresh.code in open_


def test_ratings_page_shows_averages_in_scope(city, returned, citizen):
    d = returned()
    svc.rating_submit(dossier_id=d.pk, citizen=citizen,
                      scores={"thai-do": 5, "thoi-gian": 4, "huong-dan": 4, "cong-khai": 2})
    page = signed_in(city.leader).get(reverse("backoffice:ratings"))
    assert page.status_code == 200 and d.code in page.text
    assert "3,75" in page.text or "3.75" in page.text  # (5+4+4+2)/4 for Sở Tư pháp
    assert d.code not in signed_in(city.outsider).get(reverse("backoffice:ratings")).text


def test_the_pages_promise_the_answer_period_the_province_set(city, settings):
    from decimal import Decimal
    settings.ONESTOP_FEEDBACK_ANSWER_DAYS = Decimal("10")
    c = Client()
    assert "trong vòng 10 ngày làm việc" in c.get(reverse("portal:feedback_send")).text
    r = c.post(reverse("portal:feedback_send"), {"sender_name": "Bảy", "contact": "0912345678",
                                                 "subject": "S", "content": "C"}, follow=True)
    assert "(10 ngày làm việc)" in r.text and "15 ngày" not in r.text
