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


@pytest.fixture
def exchange(db: None, settings: object, demo_ca: Path, tmp_path: Path) -> object:
    """Two agencies of one instance with demo keys, their clerks, a leader and a specialist."""
    from types import SimpleNamespace

    from onestop.agencies.models import Agency
    from onestop.exchange.services.outbox import _peers
    from onestop.testing import make_user

    settings.ONESTOP_EXCHANGE_KEYS_DIR = demo_ca  # type: ignore[attr-defined]
    settings.ONESTOP_EXCHANGE_TRUST = [str(demo_ca / "demo-ca.cert.pem")]  # type: ignore[attr-defined]
    settings.ONESTOP_EXCHANGE_PEERS = ""  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]
    _peers.cache_clear()
    city = Agency.objects.create(code=CITY, name="Ủy ban nhân dân thành phố Cần Thơ",
                                 kind=Agency.Kind.SERVICE_CENTRE)
    justice = Agency.objects.create(code=JUSTICE, name="Sở Tư pháp",
                                    kind=Agency.Kind.DEPARTMENT)
    office = Agency.objects.create(code="000.01.02.H92", name="Phòng Hộ tịch",
                                   kind=Agency.Kind.DEPARTMENT, parent=justice)
    return SimpleNamespace(
        city=city, justice=justice, office=office,
        city_clerk=make_user("vanthu.city", "Văn thư Thành phố", clerk=city),
        clerk=make_user("vanthu.tuphap", "Văn thư Sở Tư pháp", clerk=justice),
        leader=make_user("lanhdao.tuphap", "Lãnh đạo Sở Tư pháp", leader=justice),
        specialist=make_user("chuyenvien", "Chuyên viên Hộ tịch", specialist=office),
    )
