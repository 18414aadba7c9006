"""Agency keys and certificates (files, never the database), trust anchors, the demo CA.

`agency_credentials(code)` is the one place that finds an agency's signing key: today a
PKCS#12 file `<code>.p12` or a PEM pair `<code>.key.pem` + `<code>.cert.pem` in
ONESTOP_EXCHANGE_KEYS_DIR. When the signer registry of onestop.signatures lands it is
switched here and nowhere else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .edxml.errors import EdxmlError, Reason

DEMO_CA_NAME = "onestop DEMO CA (not a real certification authority)"


@dataclass(frozen=True)
class Credentials:
    key: PrivateKeyTypes
    chain: list[x509.Certificate]  # the signing certificate first, then intermediates

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]


def _missing_key(path: Path, detail: object) -> EdxmlError:
    return EdxmlError(Reason.INVALID,
                      _("The key or certificate %(path)s cannot be read: %(detail)s"),
                      path=str(path), detail=detail)


def load_certificates(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except (OSError, ValueError) as exc:
        raise _missing_key(path, exc) from exc


def load_credentials(key_path: Path, cert_path: Path | None = None,
                     password: bytes | None = None) -> Credentials:
    """A PEM key with its PEM certificate(s), or a PKCS#12 file (key and chain in one)."""
    try:
        data = key_path.read_bytes()
    except OSError as exc:
        raise _missing_key(key_path, exc.strerror or exc) from exc
    if key_path.suffix.lower() in {".p12", ".pfx"}:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, password)
        except ValueError as exc:
            raise _missing_key(key_path, exc) from exc
        if key is None or cert is None:
            raise _missing_key(key_path, _("no key and certificate inside"))
        return Credentials(key=key, chain=[cert, *extra])
    try:
        key = serialization.load_pem_private_key(data, password)
    except (ValueError, TypeError) as exc:
        raise _missing_key(key_path, exc) from exc
    if cert_path is None:
        raise _missing_key(key_path, _("a certificate is needed with a PEM key"))
    return Credentials(key=key, chain=load_certificates(cert_path))


def agency_credentials(agency_code: str) -> Credentials:
    """The signing key of the agency with this QCVN 102:2016 code (see the module docstring)."""
    directory = Path(settings.ONESTOP_EXCHANGE_KEYS_DIR)
    password = settings.ONESTOP_EXCHANGE_KEY_PASSWORD.encode() or None
    p12 = directory / f"{agency_code}.p12"
    if p12.exists():
        return load_credentials(p12, password=password)
    return load_credentials(directory / f"{agency_code}.key.pem",
                            directory / f"{agency_code}.cert.pem", password)


def trust_anchors(extra: list[Path] | None = None) -> list[x509.Certificate]:
    """The configured anchors (ONESTOP_EXCHANGE_TRUST) plus `extra` (e.g. `--trust`)."""
    paths = [Path(p) for p in settings.ONESTOP_EXCHANGE_TRUST] + list(extra or [])
    return [cert for path in paths for cert in load_certificates(path)]


# --- The demo CA: a small labelled CA so the demo and the tests sign for real -------------

def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_demo_ca(directory: Path, agencies: dict[str, str], *,
                 days: int = 3650) -> Path:
    """Write `demo-ca.cert.pem` and, per agency code → name, `<code>.key.pem`/`.cert.pem`.

    Existing files are kept, so the demo's certificates survive a restart. Returns the CA
    certificate's path (the trust anchor to configure).
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert_path = directory / "demo-ca.cert.pem"
    ca_key_path = directory / "demo-ca.key.pem"
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    if ca_cert_path.exists() and ca_key_path.exists():
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), None)
        ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    else:
        ca_key = _new_key()
        subject = _name(DEMO_CA_NAME, "onestop demo")
        ca_cert = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        ca_key_path.write_bytes(_pem_key(ca_key))
        ca_key_path.chmod(0o600)
        ca_cert_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    for code, name in agencies.items():
        key_path, cert_path = directory / f"{code}.key.pem", directory / f"{code}.cert.pem"
        if key_path.exists() and cert_path.exists():
            continue
        key = _new_key()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} [{code}] (demo)", "onestop demo"))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        key_path.write_bytes(_pem_key(key))
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return ca_cert_path
