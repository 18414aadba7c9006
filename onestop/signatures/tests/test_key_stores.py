"""The three key stores sign the same way: PKCS#11 on SoftHSM2, the CSC API over HTTPS, and
a timestamp from an RFC 3161 TSA; the private key stays where it was made."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.db import transaction

from onestop.signatures import democa
from onestop.signatures.errors import KeyUnavailable
from onestop.signatures.keys import open_key
from onestop.signatures.layout import DEFAULT_SLOT
from onestop.signatures.models import Signer
from onestop.signatures.sandbox.csc import Credential, RemoteSigningServer
from onestop.signatures.sandbox.tsa import TimestampServer
from onestop.signatures.selectors import agency_key
from onestop.signatures.services import document_sign, signer_register
from onestop.signatures.verify import verify_pdf

pytestmark = pytest.mark.usefixtures("english")


def _blank_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>Biên lai thu phí, lệ phí</p>").write_pdf()


def _sign(signer: Signer) -> bytes:
    with transaction.atomic():
        document = document_sign(pdf=_blank_pdf(), signer=signer, kind="other",
                                 reference="T-1", object_type="test", object_id=1,
                                 title="Thử", reason="Thử nghiệm", slot=DEFAULT_SLOT)
    return document.file.read()


def test_a_key_generated_on_softhsm2_signs_through_pkcs11(city, token_signing):
    signer = token_signing.token_signer(agency=city.justice, user=city.leader)
    assert signer.kind == "pkcs11" and "BEGIN" not in signer.key_ref
    report = verify_pdf(_sign(signer))
    assert report.ok, report.as_dict()
    assert report.signatures[0].signer_name == city.leader.display_name


def test_the_token_key_cannot_be_exported_but_signs_for_other_formats(city, token_signing):
    token_signing.token_signer(agency=city.justice)  # the unit's own key, on the token
    handle = agency_key(agency=city.justice)
    key = handle.private_key()
    signature = key.sign(b"<SignedInfo/>", padding.PKCS1v15(), hashes.SHA256())
    handle.certificate.public_key().verify(signature, b"<SignedInfo/>", padding.PKCS1v15(),
                                           hashes.SHA256())
    with pytest.raises(KeyUnavailable):
        key.private_numbers()


def test_a_wrong_token_pin_is_a_clear_error(city, token_signing, monkeypatch):
    from onestop.signatures.keys import pkcs11_forget

    signer = token_signing.token_signer(agency=city.justice, user=city.leader)
    pkcs11_forget()
    monkeypatch.setenv("ONESTOP_TEST_TOKEN_PIN", "000000")
    try:
        with pytest.raises(KeyUnavailable, match="cannot be opened"):
            _sign(signer)
    finally:
        pkcs11_forget()


@pytest.fixture
def remote_service(signing, tmp_path, settings):
    """The sandbox CSC service over HTTPS with one credential the demo CA certified."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = democa.issue_certificate(signing.ca, public_key=key.public_key(),
                                    common_name="Phạm Minh Dũng", unit="Sở Tư pháp",
                                    title="Giám đốc")
    tls_cert, tls_key = democa.service_credentials(signing.ca, name="csc-tls", usage="tls")
    server = RemoteSigningServer(
        token="sandbox-token", tls=(str(tls_cert), str(tls_key)),
        credentials={"cred-leader": Credential(key=key, certificate=cert,
                                               chain=signing.ca.chain, pin="8642")},
    ).start()
    settings.ONESTOP_CSC_URL = server.url
    settings.ONESTOP_CSC_TOKEN = "sandbox-token"
    settings.ONESTOP_CSC_CA_FILE = str(signing.ca.directory / "root.pem")
    yield server, cert
    server.stop()


def test_a_remote_credential_signs_over_https_with_the_csc_api(city, remote_service,
                                                               monkeypatch):
    server, cert = remote_service
    monkeypatch.setenv("CSC_PIN", "8642")
    signer = signer_register(label="remote-leader", kind="remote", agency=city.justice,
                             user=city.leader, key_ref="cred-leader", secret_ref="env:CSC_PIN",
                             name="Phạm Minh Dũng", position="Giám đốc")
    assert signer.serial == format(cert.serial_number, "x")  # from credentials/info
    report = verify_pdf(_sign(signer))
    assert report.ok, report.as_dict()
    assert server.state.signatures == 1


def test_a_wrong_remote_pin_is_refused_by_the_service(city, remote_service, monkeypatch):
    monkeypatch.setenv("CSC_PIN", "1111")
    signer = signer_register(label="remote-leader", kind="remote", agency=city.justice,
                             user=city.leader, key_ref="cred-leader", secret_ref="env:CSC_PIN",
                             name="Phạm Minh Dũng")
    with pytest.raises(KeyUnavailable, match="refused to sign"):
        _sign(signer)


def test_a_configured_tsa_timestamps_the_signature(city, signing, settings):
    cert_path, key_path = democa.service_credentials(signing.ca, name="tsa",
                                                     usage="timestamping")
    cert, key, chain = democa.load_service_credentials(cert_path, key_path)
    tsa = TimestampServer(certificate=cert, key=key, chain=chain).start()
    settings.ONESTOP_SIGNATURE_TSA_URL = tsa.url
    try:
        signer = signing.signer(agency=city.justice, user=city.leader)
        report = verify_pdf(_sign(signer))
    finally:
        tsa.stop()
    assert report.ok, report.as_dict()
    assert report.signatures[0].timestamp_at is not None


def test_the_file_key_handle_gives_the_same_key_interface(city, signing):
    signing.signer(agency=city.commune)
    handle = agency_key(agency=city.commune)
    assert open_key(handle.signer).certificate == handle.certificate
    signature = handle.sign(b"data")
    handle.certificate.public_key().verify(signature, b"data", padding.PKCS1v15(),
                                           hashes.SHA256())
