"""Writes to the organisation: administrative units and staff roles."""

from __future__ import annotations

from django.db import transaction
from vietnam_provinces import Ward

from .models import AdministrativeUnit

_KIND = {"phường": "phuong", "xã": "xa", "đặc khu": "dac_khu"}


@transaction.atomic
def units_import(
    *, province_code: int, model: type[AdministrativeUnit] = AdministrativeUnit
) -> int:
    """Import (or refresh) the commune-level units of a province from `vietnam-provinces`.

    Uses the package's post-1 July 2025 data (two-level local government). Returns how many
    units the province has.
    """
    count = 0
    for ward in Ward.iter_all():
        if int(ward.province_code) != province_code:
            continue
        kind = _KIND.get(str(ward.division_type.value), "xa")
        model.objects.update_or_create(
            code=f"{int(ward.code):05d}",
            defaults={"name": ward.name, "kind": kind, "province_code": province_code},
        )
        count += 1
    return count
