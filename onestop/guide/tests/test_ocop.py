"""OCOP: producers approved before they manage listings, stars on a certificate in force."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.guide.models import PublishState
from onestop.guide.selectors import ocop_showcase
from onestop.guide.services.ocop import (
    CertificateExpired,
    listing_add,
    producer_register,
    producer_review,
    product_create,
    product_set_state,
)

pytestmark = pytest.mark.django_db


def product_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": "Bánh pía Sóc Trăng", "category": "food", "stars": 4,
        "decision_number": "123/QĐ-UBND", "decision_date": (today - datetime.timedelta(days=100)),
        "decision_authority": "UBND thành phố Cần Thơ",
        "certificate_expires": (today + datetime.timedelta(days=900)), "price": 85000,
        "unit": "hộp 500 g"}
    data.update(overrides)
    return data


@pytest.fixture
def producer(guide):
    p = producer_register(name="HTX Bánh pía", kind="cooperative", commune_code="31135",
                          manager=guide.citizen)
    return p


def test_a_producer_manages_its_listings_only_after_approval(guide, producer):
    with pytest.raises(NotAllowed):
        product_create(actor=guide.citizen, producer_id=producer.pk, data=product_data())
    producer_review(actor=guide.staff, producer_id=producer.pk, approve=True)
    product = product_create(actor=guide.citizen, producer_id=producer.pk, data=product_data(),
                             publish=True)
    listing_add(actor=guide.citizen, product_id=product.pk, platform="Sàn A",
                url="https://shop.example.com/banh-pia")
    assert list(ocop_showcase(stars=4)) == [product]
    assert list(ocop_showcase(stars=5)) == []


def test_someone_else_may_not_touch_a_producers_products(guide, producer):
    producer_review(actor=guide.staff, producer_id=producer.pk, approve=True)
    product = product_create(actor=guide.staff, producer_id=producer.pk, data=product_data())
    with pytest.raises(NotAllowed):
        product_set_state(actor=guide.outsider, product_id=product.pk, state="published")


def test_an_expired_certificate_is_refused(guide, producer, english):
    expired = product_data(decision_date=datetime.date(2020, 1, 1),
                           certificate_expires=datetime.date(2023, 1, 1))
    with pytest.raises(CertificateExpired) as exc:
        product_create(actor=guide.staff, producer_id=producer.pk, data=expired)
    assert "expired on 2023-01-01" in str(exc.value)


@pytest.mark.parametrize("stars", [1, 2, 6, "x", True])
def test_stars_outside_three_to_five_are_refused(guide, producer, stars):
    with pytest.raises(ValidationFailed):
        product_create(actor=guide.staff, producer_id=producer.pk,
                       data=product_data(stars=stars))


def test_a_product_whose_certificate_lapses_leaves_the_showcase_and_cannot_be_republished(
        guide, producer):
    product = product_create(actor=guide.staff, producer_id=producer.pk, data=product_data(),
                             publish=True)
    later = product.certificate_expires + datetime.timedelta(days=1)
    assert list(ocop_showcase(on=later)) == []
    type(product).objects.filter(pk=product.pk).update(
        certificate_expires=timezone.localdate() - datetime.timedelta(days=1),
        state=PublishState.HIDDEN)
    with pytest.raises(CertificateExpired):
        product_set_state(actor=guide.staff, product_id=product.pk, state="published")


def test_a_link_that_is_not_a_web_address_is_refused(guide, producer):
    product = product_create(actor=guide.staff, producer_id=producer.pk, data=product_data())
    with pytest.raises(ValidationFailed):
        listing_add(actor=guide.staff, product_id=product.pk, platform="Sàn A",
                    url="javascript:alert(1)")
