import os

import pytest
from django.utils import translation

from onestop.core.calendars import clear_calendar_cache
from onestop.testing import (
    TEST_TOKEN_PIN,
    City,
    Signing,
    make_city,
    make_signing,
    make_softhsm_token,
)


@pytest.fixture
def city(db) -> City:
    return make_city()


# The tests run as production does: on a key of their own, not the published fallback
# (outside debug and demo, secrets derived from the fallback are refused: core.secrets).
TEST_SECRET_KEY = "onestop-tests-8Xq2vL0pZr7Nc4Wm1Ty6Hb9Jd3Kf5Gs-not-a-production-key"


@pytest.fixture(autouse=True)
def _test_secret_key(settings):
    settings.SECRET_KEY = TEST_SECRET_KEY


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users and prove nothing about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Calendars are cached per process; a test that edits overrides must not leak into others.
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request activates its language for the whole thread and nothing resets it, so a test
    # that browses in English would leave later tests' messages in English.
    yield
    translation.deactivate()


@pytest.fixture
def english():
    """Messages in English, for tests that match on their wording."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def _signature_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signatures")


@pytest.fixture(autouse=True)
def _isolated_signature_dir(settings, _signature_dir):
    # Key files, trust list and CRLs of the tests live in one temporary directory, never in
    # ./data (a developer's demo CA must not be trusted by the tests, nor the other way);
    # so do the files services write (signed results), unless a test sets its own.
    settings.ONESTOP_SIGNATURE_DIR = _signature_dir
    settings.MEDIA_ROOT = _signature_dir.parent / "media"


@pytest.fixture(scope="session")
def _softhsm_token(tmp_path_factory):
    """One SoftHSM2 token for the run (CI installs softhsm2; elsewhere its tests skip)."""
    try:
        return make_softhsm_token(tmp_path_factory.mktemp("softhsm"))
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        return exc


@pytest.fixture
def signing(_isolated_signature_dir, settings, tmp_path, monkeypatch) -> Signing:
    """The demo CA in the tests' signature directory (made once per run), with helpers that
    issue key files and register signers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_signing()


@pytest.fixture
def token_signing(signing, _softhsm_token, monkeypatch) -> Signing:
    """`signing` plus the run's SoftHSM2 token, for keys that live on a PKCS#11 token."""
    if isinstance(_softhsm_token, Exception):
        pytest.skip(str(_softhsm_token))
    monkeypatch.setenv("ONESTOP_TEST_TOKEN_PIN", TEST_TOKEN_PIN)
    signing.token = _softhsm_token
    return signing


@pytest.fixture(scope="session")
def _audit_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-key")


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path, _audit_key_dir):
    # Each test database is its own audit chain: its checkpoints go to a file of its own, never
    # to the data directory's (core.checkpoints), signed with a key made once per run.
    settings.ONESTOP_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    settings.ONESTOP_AUDIT_SIGNING_KEY = str(_audit_key_dir / "audit-signing-key.pem")
