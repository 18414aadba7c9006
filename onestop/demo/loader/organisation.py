"""The demo city's organisation (centre, departments, communes) and its staff, as plain rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from onestop.accounts.models import User
from onestop.agencies.models import AdministrativeUnit, Agency, Membership
from onestop.agencies.services import staff_role_grant

from .. import catalog as data


def city_code() -> str:
    # Demo code: Cần Thơ's real QCVN 102:2016 H-code was not found (docs/domain.md §4); H92
    # is outside the range of real province codes, so it cannot be mistaken for another one.
    return str(settings.ONESTOP_CITY_AGENCY_CODE)


def _code(level3: int, level2: int) -> str:
    suffix = city_code().rsplit(".", 1)[-1]
    return f"000.{level3:02d}.{level2:02d}.{suffix}"


def centre_code() -> str:
    """The demo city centre's code: its presence marks the demo as loaded."""
    return _code(0, 1)


def _build_organisation() -> tuple[Agency, dict[str, Agency], dict[str, Agency],
                                   dict[str, Agency], dict[str, AdministrativeUnit]]:
    centre = Agency.objects.create(
        code=centre_code(), kind=Agency.Kind.SERVICE_CENTRE,
        name="Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        name_en="Can Tho City Public Administration Service Centre",
        address="Số 2 Đường Hòa Bình, Phường Ninh Kiều, Thành phố Cần Thơ",
        phone="0292 3000 000",
    )
    departments = {
        d.slug: Agency.objects.create(code=_code(0, d.number), kind=Agency.Kind.DEPARTMENT,
                                      name=d.name, name_en=d.name_en,
                                      abbreviation=data.DEPARTMENT_ABBREVIATIONS[d.slug])
        for d in data.DEPARTMENTS
    }
    units = {u.code: u for u in AdministrativeUnit.objects.filter(
        code__in=[c.unit_code for c in data.COMMUNES])}
    missing = {c.unit_code for c in data.COMMUNES} - set(units)
    if missing:
        raise RuntimeError(f"administrative units not imported: {sorted(missing)}")
    committees: dict[str, Agency] = {}
    counters: dict[str, Agency] = {}
    for c in data.COMMUNES:
        unit = units[c.unit_code]
        committees[c.slug] = Agency.objects.create(
            code=_code(0, c.number), kind=Agency.Kind.COMMUNE_COMMITTEE, unit=unit,
            abbreviation="UBND",
            name=f"Ủy ban nhân dân {unit.name}", name_en=f"People's Committee of {unit.name}",
        )
        counters[c.slug] = Agency.objects.create(
            code=_code(1, c.number), kind=Agency.Kind.COMMUNE_CENTRE, unit=unit,
            abbreviation="BPMC",
            parent=committees[c.slug],
            name=f"Bộ phận Một cửa {unit.name}", name_en=f"One-stop counter of {unit.name}",
            address=f"{c.street}, {unit.name}, Thành phố Cần Thơ",
        )
    return centre, departments, counters, committees, units


def _build_staff(centre: Agency, departments: dict[str, Agency], counters: dict[str, Agency],
                 committees: dict[str, Agency]) -> tuple[dict[str, User], User]:
    # One hash for everyone: Argon2 is deliberately slow and the demo password is shared.
    password = make_password(data.DEMO_PASSWORD)
    users: dict[str, User] = {}
    for username, full_name, role, key in data.STAFF:
        if key == "centre":
            agency = centre
        elif key.startswith("counter:"):
            agency = counters[key.split(":", 1)[1]]
        elif key.startswith("committee:"):
            agency = committees[key.split(":", 1)[1]]
        else:
            agency = departments[key]
        user = users.get(username)
        if user is None:
            # Agency admins reach /admin/; the city admin is also a superuser for the demo.
            user = User.objects.create(
                username=username, full_name=full_name, password=password,
                is_staff=role == "admin", is_superuser=username == "admin",
            )
            users[username] = user
        staff_role_grant(user=user, agency=agency, role=role)
        if role == "leader":
            position = data.LEADER_POSITIONS[
                "committee" if key.startswith("committee:") else "department"]
            Membership.objects.filter(user=user, agency=agency, role=role).update(
                position=position)
    username, full_name, cccd, phone = data.CITIZEN
    citizen = User.objects.create(username=username, full_name=full_name, password=password,
                                  cccd=cccd, phone=phone)
    return users, citizen
