"""The dossier page leads on: rate once returned, pay while fees are due, send feedback; the
procedure page leads to feedback about the procedure."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onestop.dossiers import services as svc
from onestop.dossiers.models import Status
from onestop.feedback.models import RatingCriterion
from onestop.feedback.services import rating_submit
from onestop.payments.models import Payment

from .test_my_dossiers import file_online, receive, to_result_ready

pytestmark = pytest.mark.django_db


def _returned(city, citizen):
    d = to_result_ready(city, receive(city, file_online(city, citizen)))
    return svc.dossier_return_result(dossier_id=d.pk, officer=city.officer)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_returned_dossier_not_yet_rated_links_to_the_rating_page(client, city, citizen):
    d = _returned(city, citizen)
    client.force_login(citizen)
    body = client.get(f"/ho-so-cua-toi/{d.pk}/").content.decode()
    assert reverse("portal:rate", kwargs={"dossier_pk": d.pk}) in body


def test_a_rated_dossier_shows_its_rating_instead_of_the_link(client, city, citizen):
    d = _returned(city, citizen)
    criteria = list(RatingCriterion.objects.filter(active=True))
    assert criteria, "the seeded rating criteria are needed"
    rating_submit(dossier_id=d.pk, citizen=citizen, scores={c.code: 4 for c in criteria})
    client.force_login(citizen)
    response = client.get(f"/ho-so-cua-toi/{d.pk}/")
    body = response.content.decode()
    assert reverse("portal:rate", kwargs={"dossier_pk": d.pk}) not in body
    assert response.context["rating"] is not None
    assert criteria[0].label in body


def test_a_dossier_in_process_links_neither_to_rating_nor_to_payment(client, city, citizen):
    d = receive(city, file_online(city, citizen))
    client.force_login(citizen)
    body = client.get(f"/ho-so-cua-toi/{d.pk}/").content.decode()
    assert "/danh-gia/" not in body
    assert reverse("portal:my_pay", args=[d.pk]) not in body
    # Feedback about the dossier, prefilled with its code, is always offered.
    assert f"{reverse('portal:feedback_send')}?ho-so={d.code}" in body


def test_the_rating_costs_the_dossier_page_a_bounded_number_of_queries(client, city,
                                                                       citizen):
    client.force_login(citizen)
    in_process = receive(city, file_online(city, citizen))
    unrated = _returned(city, citizen)
    rated = _returned(city, citizen)
    rating_submit(dossier_id=rated.pk, citizen=citizen, scores={
        c.code: 5 for c in RatingCriterion.objects.filter(active=True)}, comment="Tốt")
    base = _queries(client, f"/ho-so-cua-toi/{in_process.pk}/")
    # One query for the rating; one more for its scores (all criteria at once) when rated.
    assert _queries(client, f"/ho-so-cua-toi/{unrated.pk}/") <= base + 1
    assert _queries(client, f"/ho-so-cua-toi/{rated.pk}/") <= base + 2
    # The list of dossiers reads no rating at all.
    with CaptureQueriesContext(connection) as ctx:
        client.get("/ho-so-cua-toi/")
    assert not any("feedback_rating" in q["sql"] for q in ctx.captured_queries)


def test_fees_due_offer_online_payment_and_the_button_reuses_one_payment(client, city,
                                                                         citizen):
    d = receive(city, file_online(city, citizen))
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    d = svc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=50_000,
                                    reason="Thuế")
    assert d.status == Status.AWAITING_PAYMENT
    client.force_login(citizen)
    page = client.get(f"/ho-so-cua-toi/{d.pk}/")
    assert page.context["owed"] >= 50_000
    pay_url = reverse("portal:my_pay", args=[d.pk])
    assert pay_url in page.content.decode()

    response = client.post(pay_url)
    payment = Payment.objects.get(dossier_link__dossier=d)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:pay", args=[payment.reference])
    assert payment.amount == page.context["owed"]
    # The page now links straight to that payment; pressing again makes no second one.
    assert reverse("portal:pay", args=[payment.reference]) in client.get(
        f"/ho-so-cua-toi/{d.pk}/").content.decode()
    client.post(pay_url)
    assert Payment.objects.filter(dossier_link__dossier=d).count() == 1


def test_another_citizen_cannot_start_a_payment(client, city, citizen, other_citizen):
    d = receive(city, file_online(city, citizen))
    d = svc.dossier_hand_over(dossier_id=d.pk, actor=city.officer)
    svc.dossier_request_payment(dossier_id=d.pk, actor=city.specialist, amount=50_000)
    client.force_login(other_citizen)
    assert client.post(reverse("portal:my_pay", args=[d.pk])).status_code == 404
    assert not Payment.objects.filter(dossier_link__dossier=d).exists()


def test_nothing_owed_is_a_message_not_a_payment(client, city, citizen):
    d = receive(city, file_online(city, citizen))
    client.force_login(citizen)
    before = Payment.objects.filter(dossier_link__dossier=d).count()
    # Fees of the test procedure are computed at receipt; settle them away by exemption is
    # not needed: a dossier owes nothing once its open items are gone.
    from onestop.payments.models import FeeItem

    FeeItem.objects.filter(dossier_link__dossier=d).delete()
    response = client.post(reverse("portal:my_pay", args=[d.pk]), follow=True)
    assert response.status_code == 200
    assert Payment.objects.filter(dossier_link__dossier=d).count() == before
    assert list(response.context["messages"])


def test_the_procedure_page_links_to_feedback_about_the_procedure(client, city):
    body = client.get(f"/thu-tuc/{city.version.procedure.code}/").content.decode()
    assert f"{reverse('portal:feedback_send')}?thu-tuc={city.version.procedure.code}" in body
