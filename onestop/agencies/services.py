"""Writes to the organisation: administrative units and staff roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from vietnam_provinces import Ward

from onestop.core.audit import audit_append

from .models import AdministrativeUnit, Agency, Membership, Role

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


AGENCY_ADMINS_GROUP = "Agency admins"


@transaction.atomic
def staff_role_grant(*, user: Any, agency: Agency, role: str, actor: Any | None = None
                     ) -> Membership:
    """Give a staff user a role in an agency.

    Agency admins also get Django admin access (is_staff) and the "Agency admins" group,
    whose permissions (catalog, calendar overrides, staff roles) a migration defines; the
    admin pages then narrow what they show to the admin's own agencies.
    """
    membership, _created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if role == Role.ADMIN:
        group, _ = Group.objects.get_or_create(name=AGENCY_ADMINS_GROUP)
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    audit_append(actor=actor, action="staff.grant", object_type="user", object_id=user.pk,
                 data={"agency": agency.code, "role": role})
    return membership
