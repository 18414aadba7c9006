from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.exchange.keys import Credentials, load_certificates, load_credentials, make_demo_ca

SAMPLES = Path(__file__).parent / "samples"
CITY, JUSTICE = "000.00.00.H92", "000.01.00.H92"


@pytest.fixture(scope="session")
def demo_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo-ca")
    make_demo_ca(directory, {CITY: "UBND thành phố", JUSTICE: "Sở Tư pháp"})
    return directory


@pytest.fixture(scope="session")
def city_key(demo_ca: Path) -> Credentials:
    return load_credentials(demo_ca / f"{CITY}.key.pem", demo_ca / f"{CITY}.cert.pem")


@pytest.fixture(scope="session")
def anchors(demo_ca: Path) -> list:
    return load_certificates(demo_ca / "demo-ca.cert.pem")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The library tests read the English messages; test_messages_vi checks the Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield
