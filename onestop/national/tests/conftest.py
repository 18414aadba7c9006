from __future__ import annotations

from collections.abc import Iterator

import pytest

from onestop.national.client import AdapterClient, Config
from onestop.national.standin import PASSWORD, USERNAME, StandIn


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def config_for(standin: StandIn, **overrides: object) -> Config:
    values: dict[str, object] = dict(
        url=standin.url, auth_path=standin.auth_path, call_path=standin.call_path,
        username=USERNAME, password=PASSWORD, unit_code="000.00.00.H13",
        dstcode="VN:GOV:G22:DVCQG", token_ttl=1800, timeout=5)
    values.update(overrides)
    return Config(**values)  # type: ignore[arg-type]


@pytest.fixture
def adapter(standin: StandIn) -> AdapterClient:
    return AdapterClient(config_for(standin))


@pytest.fixture
def national(settings, standin: StandIn, city):  # noqa: ANN001 - pytest fixtures
    """Sync on, pointed at the stand-in, the city's procedure mapped."""
    from onestop.national.models import ProcedureMapping

    config = config_for(standin)
    settings.ONESTOP_NATIONAL_SYNC = True
    settings.ONESTOP_NATIONAL_URL = config.url
    settings.ONESTOP_NATIONAL_USERNAME = config.username
    settings.ONESTOP_NATIONAL_PASSWORD = config.password
    settings.ONESTOP_NATIONAL_UNIT_CODE = config.unit_code
    settings.ONESTOP_NATIONAL_RETRY_BASE = 1
    settings.ONESTOP_NATIONAL_RETRY_MAX = 4
    ProcedureMapping.objects.create(procedure=city.version.procedure, national_code="1.001193",
                                    field_code="G13-TP01")
    return city
