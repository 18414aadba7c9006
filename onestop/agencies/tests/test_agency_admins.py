"""Agency admins reach the Django admin and see only their own agency's staff and catalog."""

import pytest
from django.urls import reverse

from onestop.agencies.models import AdministrativeUnit, Membership
from onestop.agencies.services import staff_role_grant
from onestop.testing import make_procedure

pytestmark = pytest.mark.django_db


def test_the_city_units_are_imported_from_vietnam_provinces():
    assert AdministrativeUnit.objects.filter(province_code=92).count() == 103
    assert AdministrativeUnit.objects.get(code="31135").name == "Phường Ninh Kiều"
    assert AdministrativeUnit.objects.get(code="31120").name == "Phường Cái Khế"


def test_granting_the_admin_role_opens_the_admin_with_catalog_rights(city, client):
    staff_role_grant(user=city.admin, agency=city.justice, role="admin")
    city.admin.refresh_from_db()
    assert city.admin.is_staff
    assert city.admin.has_perm("catalog.change_procedureversion")
    assert city.admin.has_perm("core.add_calendaroverride")
    assert not city.admin.has_perm("dossiers.change_dossier")  # dossiers change via services
    client.force_login(city.admin)
    assert client.get(reverse("admin:catalog_procedureversion_changelist")).status_code == 200


def test_an_agency_admin_sees_only_their_agencies_staff_and_procedures(city, client):
    staff_role_grant(user=city.admin, agency=city.commune, role="admin")
    other = make_procedure(code="2.000001", name="Chứng thực bản sao", field=city.version.field,
                           centre=city.centre, handling=city.commune)
    client.force_login(city.admin)
    page = client.get(reverse("admin:agencies_membership_changelist")).content.decode()
    assert "Đỗ Văn Phúc" in page  # commune officer
    assert "Lê Văn Cường" not in page  # justice specialist
    page = client.get(reverse("admin:catalog_procedureversion_changelist")).content.decode()
    assert other.name in page and city.version.name not in page


def test_granting_a_role_twice_keeps_one_membership(city):
    staff_role_grant(user=city.specialist, agency=city.justice, role="specialist")
    assert Membership.objects.filter(user=city.specialist, agency=city.justice).count() == 1
