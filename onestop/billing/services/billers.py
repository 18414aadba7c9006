"""Billers and their API keys; who may manage a biller."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency
from onestop.agencies.selectors import has_role
from onestop.core.audit import audit_append
from onestop.core.clock import now_or
from onestop.core.errors import ValidationFailed

from ..models import Biller, BillerApiKey


def _hash_key(key: str) -> str:
    # The key is 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, biller: Biller, at: datetime.datetime | None = None) -> str:
    """A new API key for the biller; returned once, only its hash is kept."""
    key = f"bk_{biller.code}_{secrets.token_urlsafe(32)}"
    BillerApiKey.objects.create(biller=biller, prefix=key[:12], key_hash=_hash_key(key),
                                created_at=now_or(at))
    audit_append(actor=None, action="biller.api_key", object_type="biller",
                 object_id=biller.code, data={"prefix": key[:12]}, at=now_or(at))
    return key


@transaction.atomic
def biller_create(*, code: str, name: str, kind: str, agency: Agency, callback_url: str = "",
                  at: datetime.datetime | None = None) -> tuple[Biller, str]:
    """A biller with its first API key and a fresh callback secret: (biller, key)."""
    if kind not in Biller.Kind.values:
        raise ValidationFailed(_("Unknown kind of biller."))
    if Biller.objects.filter(code=code).exists():
        raise ValidationFailed(_("A biller with this code already exists."))
    biller = Biller.objects.create(code=code, name=name, kind=kind, agency=agency,
                                   callback_url=callback_url,
                                   callback_secret=secrets.token_hex(32))
    return biller, api_key_create(biller=biller, at=at)


def biller_for_key(key: str) -> Biller | None:
    """The active biller holding this (unrevoked) API key, or None."""
    if not key:
        return None
    row = (BillerApiKey.objects.select_related("biller")
           .filter(key_hash=_hash_key(key.strip()), revoked_at__isnull=True,
                   biller__is_active=True).first())
    return row.biller if row else None


def can_manage(user: Any, biller: Biller) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or has_role(user=user, agency_id=biller.agency_id,
                                              role="officer")
                or has_role(user=user, agency_id=biller.agency_id, role="admin"))
