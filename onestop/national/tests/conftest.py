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
def client(standin: StandIn) -> AdapterClient:
    return AdapterClient(config_for(standin))
