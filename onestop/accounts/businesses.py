"""The businesses a citizen account files for: register, list, remove.

A business (organisation) is an applicant in its own right (docs/domain.md §13): the dossier
names the organisation, its tax code and head office, its legal representative, and the
person filing with their authorisation when that person is not the representative. The
account that registered it is the only one that files for it online.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import NotFound, ValidationFailed
from onestop.core.identifiers import normalise_tax_code

from .models import Business, User
from .services import normalise_email, normalise_phone


@dataclass(frozen=True)
class BusinessDetails:
    name: str
    tax_code: str
    head_office: str
    representative: str
    holder: str = Business.Holder.REPRESENTATIVE
    authorisation: str = ""
    phone: str = ""
    email: str = ""


def _clean(d: BusinessDetails, account: User) -> dict[str, Any]:
    """The details normalised, or ValidationFailed naming the first problem."""
    name = " ".join(d.name.split())
    if not name:
        raise ValidationFailed(_("Give the organisation's name as on its registration."))
    head_office = " ".join(d.head_office.split())
    if not head_office:
        raise ValidationFailed(_("Give the address of the head office."))
    representative = " ".join(d.representative.split())
    if not representative:
        raise ValidationFailed(_("Give the organisation's legal representative."))
    if d.holder not in Business.Holder.values:
        raise ValidationFailed(_("Say whether you are the legal representative."))
    authorisation = " ".join(d.authorisation.split())
    if d.holder == Business.Holder.AUTHORISED and not authorisation:
        # docs/domain.md §13: a person who is not the representative files with an authorisation.
        raise ValidationFailed(_("Name the authorisation document (number and date) the legal "
                                 "representative gave you."))
    if d.holder == Business.Holder.REPRESENTATIVE:
        authorisation = ""
    return {
        "name": name[:300], "tax_code": normalise_tax_code(d.tax_code),
        "head_office": head_office[:300], "representative": representative[:200],
        "holder": d.holder, "authorisation": authorisation[:300],
        "phone": normalise_phone(d.phone) if d.phone.strip() else account.phone,
        "email": normalise_email(d.email) if d.email.strip() else account.email,
    }


def businesses_of(account: User) -> QuerySet[Business]:
    return Business.objects.filter(account=account, removed_at__isnull=True)


def business_of(account: User, pk: int) -> Business:
    """One of the account's businesses, or NotFound (another account's is not found either)."""
    business = businesses_of(account).filter(pk=pk).first()
    if business is None:
        raise NotFound(_("No such business among yours."))
    return business


def business_register(*, account: User, details: BusinessDetails,
                      at: datetime.datetime | None = None) -> Business:
    """Register a business the account files for (one per tax code per account)."""
    if not account.is_citizen:
        raise ValidationFailed(_("Businesses are registered from a citizen account."))
    at = now_or(at)
    values = _clean(details, account)
    try:
        with transaction.atomic():
            business = Business.objects.create(account=account, created_at=at, **values)
            audit_append(actor=account, action="business.register", object_type="business",
                         object_id=business.pk, at=at,
                         data={"tax_code": business.tax_code, "holder": business.holder})
    except IntegrityError as exc:
        raise ValidationFailed(_("You have already registered the business with tax code "
                                 "%(code)s."), code=values["tax_code"]) from exc
    return business


def business_remove(*, account: User, pk: int, at: datetime.datetime | None = None) -> None:
    """Stop filing for a business; its dossiers stay, named as they were filed."""
    at = now_or(at)
    with transaction.atomic():
        business = (Business.objects.select_for_update()
                    .filter(account=account, pk=pk, removed_at__isnull=True).first())
        if business is None:
            raise NotFound(_("No such business among yours."))
        business.removed_at = at
        business.save(update_fields=["removed_at"])
        audit_append(actor=account, action="business.remove", object_type="business",
                     object_id=business.pk, at=at, data={"tax_code": business.tax_code})
