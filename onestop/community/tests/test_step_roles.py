"""Community team members log visits; they never process a dossier, so no procedure step (and
no dossier step) may be given their role."""

import pytest
from django.core.exceptions import ValidationError

from onestop.agencies.models import Role
from onestop.catalog.models import ProcessStep
from onestop.dossiers.models import DossierStep


@pytest.mark.parametrize("model", [ProcessStep, DossierStep])
def test_community_is_not_a_step_role_but_the_processing_roles_are(model):
    field = model._meta.get_field("role")
    values = {value for value, _label in field.choices}
    assert Role.COMMUNITY not in values
    assert {Role.OFFICER, Role.SPECIALIST, Role.LEADER} <= values
    with pytest.raises(ValidationError):
        field.clean(Role.COMMUNITY, None)
    assert field.clean(Role.SPECIALIST, None) == Role.SPECIALIST
