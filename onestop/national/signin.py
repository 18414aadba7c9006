"""Sign-in with the national account (tài khoản Cổng Dịch vụ công quốc gia / VNeID).

One more identity provider in accounts.oidc's registry (registered in NationalConfig.ready):
the same Authlib OpenID Connect client as the city's e-ID (authorization code, state, nonce,
PKCE S256, ID token checked against the provider's JWKS), configured by
ONESTOP_NATIONAL_SIGNIN_* and off by default.

The userinfo says what kind of account signed in and who it is (claim names below; where they
come from: docs/national.md). `account_from_national_claims` creates or matches

- a citizen account (LoaiTaiKhoan 1): matched by the technical id seen before, else by the
  personal identification number (CCCD), else created without a password;
- for a business account (LoaiTaiKhoan 2): the account of the person who signed in for it
  (matched the same way; an account named after the tax code when the userinfo names no
  person) and its accounts.Business (matched by tax code, registered if new).

The national technical id is kept in NationalAccount; the portal sync sends it with every
dossier of that applicant (DongBoHoSoMC MaDoiTuong, national/services.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.accounts.businesses import BusinessDetails, business_register, businesses_of
from onestop.accounts.models import Business, User
from onestop.accounts.oidc import (
    ClientConfig,
    IdentityProvider,
    citizen_by_cccd,
    citizen_create_for_cccd,
    register_provider,
)
from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import normalise_tax_code, validate_cccd

from .models import NationalAccount

# The userinfo claims (docs/national.md "Sign-in": SoDinhDanh / SoCMND as OpenCPS's SSO
# integration reads them; the others are the stand-in's names for the fields the issue
# lists, to be checked against the national provider's integration guide).
KIND = "LoaiTaiKhoan"            # "1" citizen, "2" business (as LoaiDoiTuong in the sync)
TECHNICAL_ID = "TechID"          # the national technical id; `sub` when absent
IDENTIFICATION = ("SoDinhDanh", "SoCMND")
NAME = "HoVaTen"
EMAIL, PHONE = "Email", "SoDienThoai"
TAX_CODE, ENTERPRISE_CODE = "MaSoThue", "MaDoanhNghiep"
BUSINESS_NAME, BUSINESS_ADDRESS = "TenDoanhNghiep", "DiaChiTruSo"
REPRESENTATIVE = "NguoiDaiDien"
CITIZEN, BUSINESS = "1", "2"


def _config() -> ClientConfig:
    extra = ((("acr_values", settings.ONESTOP_NATIONAL_SIGNIN_ACR_VALUES),)
             if settings.ONESTOP_NATIONAL_SIGNIN_ACR_VALUES else ())
    return ClientConfig(settings.ONESTOP_NATIONAL_SIGNIN_DISCOVERY_URL,
                        settings.ONESTOP_NATIONAL_SIGNIN_CLIENT_ID,
                        settings.ONESTOP_NATIONAL_SIGNIN_CLIENT_SECRET,
                        settings.ONESTOP_NATIONAL_SIGNIN_SCOPES, extra)


def _text(claims: dict[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _person(claims: dict[str, Any], cccd: str, technical_id: str) -> User:
    """The citizen account of the person who signed in, matched or created."""
    existing = citizen_by_cccd(cccd)
    if existing is not None:
        return existing
    return citizen_create_for_cccd(cccd=cccd, name=_text(claims, NAME),
                                   email=_text(claims, EMAIL), phone=_text(claims, PHONE))


def _business_holder(tax_code: str, name: str) -> User:
    """The account of a business account that names no person (no CCCD in the userinfo)."""
    username = f"business-{tax_code}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        if not user.is_active or not user.is_citizen:
            raise ValidationFailed(_("This business cannot sign in here. Contact the centre."))
        return user
    user = User(username=username, full_name=name[:200])
    user.set_unusable_password()
    user.save()
    return user


def _business(claims: dict[str, Any], account: User, tax_code: str,
              at: datetime.datetime) -> Business:
    found = businesses_of(account).filter(tax_code=tax_code).first()
    if found is not None:
        return found
    missing = str(_("(not given by the national account)"))
    name = _text(claims, BUSINESS_NAME) or tax_code
    return business_register(account=account, at=at, details=BusinessDetails(
        name=name, tax_code=tax_code,
        head_office=_text(claims, BUSINESS_ADDRESS) or missing,
        representative=_text(claims, REPRESENTATIVE) or _text(claims, NAME) or missing,
        email=_text(claims, EMAIL), phone=""))


@transaction.atomic
def account_from_national_claims(claims: dict[str, Any]) -> User:
    """The account to sign in for these national-account claims (module docstring)."""
    at = timezone.now()
    technical_id = _text(claims, TECHNICAL_ID, "sub")[:100]
    if not technical_id:
        raise ValidationFailed(_("The national account sent no technical id."))
    kind = _text(claims, KIND) or CITIZEN
    if kind not in (CITIZEN, BUSINESS):
        raise ValidationFailed(_("The national account is of a kind this portal does not "
                                 "know (%(kind)s)."), kind=kind[:10])
    raw_cccd = _text(claims, *IDENTIFICATION)
    cccd = validate_cccd(raw_cccd) if raw_cccd else ""
    tax_code = ""
    if kind == BUSINESS:
        raw_tax = _text(claims, TAX_CODE, ENTERPRISE_CODE)
        if not raw_tax:
            raise ValidationFailed(_("The national account of a business sent no tax code."))
        tax_code = normalise_tax_code(raw_tax)
        enterprise = _text(claims, ENTERPRISE_CODE)
        # docs/domain.md §13: the enterprise code is the tax code.
        if enterprise and normalise_tax_code(enterprise) != tax_code:
            raise ValidationFailed(_("The national account sent an enterprise code that is "
                                     "not its tax code."))
    elif not cccd:
        raise ValidationFailed(
            _("The national account did not send a personal identification number."))

    link = (NationalAccount.objects.select_for_update(of=("self",))
            .select_related("user", "business").filter(technical_id=technical_id).first())
    if link is not None:
        user = link.user
        if not user.is_active:
            raise ValidationFailed(_("This account is disabled."))
        if kind == BUSINESS and (link.business is None or link.business.removed_at):
            link.business = _business(claims, user, tax_code, at)
        link.last_sign_in_at = at
        link.save(update_fields=["business", "last_sign_in_at"])
        return user
    if kind == BUSINESS:
        user = (_person(claims, cccd, technical_id) if cccd
                else _business_holder(tax_code, _text(claims, BUSINESS_NAME) or tax_code))
        business: Business | None = _business(claims, user, tax_code, at)
    else:
        user, business = _person(claims, cccd, technical_id), None
    NationalAccount.objects.create(
        technical_id=technical_id, kind=(NationalAccount.Kind.BUSINESS if kind == BUSINESS
                                         else NationalAccount.Kind.CITIZEN),
        user=user, business=business, identification_number=cccd, tax_code=tax_code,
        linked_at=at, last_sign_in_at=at)
    audit_append(actor=user, action="national.account_link", object_type="user",
                 object_id=user.pk, at=at,
                 data={"kind": kind, "tax_code": tax_code,
                       "business": business.pk if business else None})
    return user


def technical_id_for(*, user_id: int | None, organisation: bool) -> str:
    """The national technical id of a dossier's applicant account ('' when it never signed
    in with the national account)."""
    if user_id is None:
        return ""
    kind = NationalAccount.Kind.BUSINESS if organisation else NationalAccount.Kind.CITIZEN
    return (NationalAccount.objects.filter(user_id=user_id, kind=kind)
            .order_by("-last_sign_in_at").values_list("technical_id", flat=True).first() or "")


NATIONAL = IdentityProvider(
    name="national", label=lambda: settings.ONESTOP_NATIONAL_SIGNIN_LABEL, config=_config,
    account_from_claims=account_from_national_claims,
    required_claim=lambda: KIND,
    enabled=lambda: bool(settings.ONESTOP_NATIONAL_SIGNIN),
    standin=lambda: bool(settings.ONESTOP_NATIONAL_STANDIN),
)


def register() -> None:
    register_provider(NATIONAL)
