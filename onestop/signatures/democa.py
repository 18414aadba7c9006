"""A small demo certificate authority: root → issuing CA → a certificate per signer.

Made with `cryptography` by `onestop seed_demo` / `onestop demo` (and the tests) into the
signature directory. Everything it issues says DEMO in the subject (O=onestop DEMO CA), so
no reader can take a demo signature for a real one; its root goes into the trust list
(<signature dir>/trust/) of this installation only. A real deployment does not run it: its
signers hold certificates of a licensed CA chaining to the national root (docs/signatures.md).

Layout under <signature dir>:
    demo-ca/root.pem, root-key.pem, issuing.pem, issuing-key.pem, revoked.json
    trust/onestop-demo-root.pem        the demo root, trusted here
    crl/onestop-demo-*.crl             CRLs of both CAs (revocation info, embedded as B-LT)
    keys/<label>.p12, <label>.pass     signers' key files and their passphrases
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from .trust import crl_dir, signature_dir, trust_dir

DEMO_ORGANISATION = "onestop DEMO CA"
ROOT_NAME = "onestop DEMO Root CA"
ISSUING_NAME = "onestop DEMO Issuing CA"
CA_YEARS = 20
SIGNER_DAYS = 3 * 365
CRL_DAYS = 365


@dataclass
class DemoCA:
    directory: Path
    root: x509.Certificate
    root_key: rsa.RSAPrivateKey
    issuing: x509.Certificate
    issuing_key: rsa.RSAPrivateKey

    @property
    def chain(self) -> list[x509.Certificate]:
        return [self.issuing, self.root]


def crl_url(name: str) -> str:
    """Where this installation publishes a demo CA's CRL (the public CRL page serves
    <signature dir>/crl/). Declared in every certificate, so validators check the CRL."""
    return f"{settings.PUBLIC_BASE_URL}/chu-ky-so/crl/onestop-demo-{name}.crl"


def _crl_point(name: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(crl_url(name))], relative_name=None,
        reasons=None, crl_issuer=None)])


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _fit(value: str, limit: int = 64) -> str:
    """RFC 5280 bounds a common name to 64 (cryptography counts UTF-8 bytes, and a
    Vietnamese letter takes up to 3): cut at the last word that fits."""
    if len(value.encode()) <= limit:
        return value
    words, kept = value.split(), ""
    for word in words:
        candidate = f"{kept} {word}".strip()
        if len(candidate.encode()) > limit:
            break
        kept = candidate
    return kept or value.encode()[:limit].decode(errors="ignore")


def _name(common_name: str, *, unit: str = "", title: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION)]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attributes)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _ca_certificate(*, subject: x509.Name, key: rsa.RSAPrivateKey, issuer: x509.Name,
                    issuer_key: rsa.RSAPrivateKey, path_length: int | None,
                    now: datetime.datetime) -> x509.Certificate:
    builder = x509.CertificateBuilder()
    if subject != issuer:
        builder = builder.add_extension(_crl_point("root"), critical=False)
    return (
        builder.subject_name(subject).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def ensure_demo_ca(directory: Path | None = None, *, trusted: bool = True) -> DemoCA:
    """The demo CA in `directory` (default <signature dir>/demo-ca), made on first use; its
    root goes into this installation's trust list and its CRLs are published, unless not
    `trusted` (tests make a stranger CA that way)."""
    directory = directory or signature_dir() / "demo-ca"
    files = {name: directory / f"{name}.pem" for name in ("root", "root-key", "issuing",
                                                          "issuing-key")}
    if all(path.exists() for path in files.values()):
        ca = DemoCA(
            directory=directory,
            root=x509.load_pem_x509_certificate(files["root"].read_bytes()),
            root_key=_load_key(files["root-key"]),
            issuing=x509.load_pem_x509_certificate(files["issuing"].read_bytes()),
            issuing_key=_load_key(files["issuing-key"]),
        )
    else:
        now = _now()
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        root_name = _name(ROOT_NAME)
        root = _ca_certificate(subject=root_name, key=root_key, issuer=root_name,
                               issuer_key=root_key, path_length=1, now=now)
        issuing_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        issuing = _ca_certificate(subject=_name(ISSUING_NAME), key=issuing_key,
                                  issuer=root_name, issuer_key=root_key, path_length=0, now=now)
        directory.mkdir(parents=True, exist_ok=True)
        files["root"].write_bytes(root.public_bytes(serialization.Encoding.PEM))
        files["issuing"].write_bytes(issuing.public_bytes(serialization.Encoding.PEM))
        _write_private(files["root-key"], _key_pem(root_key))
        _write_private(files["issuing-key"], _key_pem(issuing_key))
        ca = DemoCA(directory=directory, root=root, root_key=root_key, issuing=issuing,
                    issuing_key=issuing_key)
    if not trusted:
        return ca
    trust_dir().mkdir(parents=True, exist_ok=True)
    (trust_dir() / "onestop-demo-root.pem").write_bytes(
        ca.root.public_bytes(serialization.Encoding.PEM))
    publish_crls(ca)
    return ca


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def issue_certificate(
    ca: DemoCA, *, public_key: rsa.RSAPublicKey, common_name: str, unit: str = "",
    title: str = "", not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None, usage: str = "signing",
) -> x509.Certificate:
    """A leaf certificate from the issuing CA: document signing, timestamping or TLS."""
    now = _now()
    not_before = not_before or now - datetime.timedelta(days=1)
    not_after = not_after or now + datetime.timedelta(days=SIGNER_DAYS)
    signing = usage == "signing"
    builder = (
        x509.CertificateBuilder().subject_name(_name(common_name, unit=unit, title=title))
        .issuer_name(ca.issuing.subject).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=signing,
                                     key_encipherment=usage == "tls", data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.issuing_key.public_key()), critical=False)
        .add_extension(_crl_point("issuing"), critical=False)
    )
    if usage == "timestamping":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    elif usage == "tls":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        ).add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]), critical=False)
    return builder.sign(ca.issuing_key, hashes.SHA256())


@dataclass(frozen=True)
class IssuedKey:
    key_ref: str       # file name under <signature dir>/keys/
    secret_ref: str    # "file:keys/<label>.pass"
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


def issue_pkcs12(ca: DemoCA, *, label: str, common_name: str, unit: str = "",
                 title: str = "", not_before: datetime.datetime | None = None,
                 not_after: datetime.datetime | None = None) -> IssuedKey:
    """A new RSA key and certificate for one signer, written as a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_certificate(ca, public_key=key.public_key(), common_name=common_name,
                             unit=unit, title=title, not_before=not_before, not_after=not_after)
    passphrase = secrets.token_urlsafe(18)
    keys = signature_dir() / "keys"
    _write_private(keys / f"{label}.pass", passphrase.encode())
    _write_private(keys / f"{label}.p12", pkcs12.serialize_key_and_certificates(
        label.encode(), key, cert, ca.chain,
        serialization.BestAvailableEncryption(passphrase.encode())))
    return IssuedKey(key_ref=f"{label}.p12", secret_ref=f"file:keys/{label}.pass",
                     certificate=cert, key=key)


def _revoked(ca: DemoCA) -> dict[str, str]:
    path = ca.directory / "revoked.json"
    return json.loads(path.read_text()) if path.exists() else {}


def revoke(ca: DemoCA, certificate: x509.Certificate,
           at: datetime.datetime | None = None) -> None:
    """Revoke a certificate of the issuing CA and publish a new CRL."""
    revoked = _revoked(ca)
    revoked[str(certificate.serial_number)] = (at or _now()).isoformat()
    (ca.directory / "revoked.json").write_text(json.dumps(revoked, indent=1))
    publish_crls(ca)


def publish_crls(ca: DemoCA) -> None:
    now = _now()
    crl_dir().mkdir(parents=True, exist_ok=True)
    for name, cert, key, entries in (
        ("root", ca.root, ca.root_key, {}),
        ("issuing", ca.issuing, ca.issuing_key, _revoked(ca)),
    ):
        builder = (
            x509.CertificateRevocationListBuilder().issuer_name(cert.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=CRL_DAYS))
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        )
        for serial, when in entries.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(int(serial))
                .revocation_date(datetime.datetime.fromisoformat(when)).build())
        crl = builder.sign(key, hashes.SHA256())
        (crl_dir() / f"onestop-demo-{name}.crl").write_bytes(
            crl.public_bytes(serialization.Encoding.DER))


def service_credentials(ca: DemoCA, *, name: str, usage: str) -> tuple[Path, Path]:
    """Certificate and key files of a demo service (the sandbox TSA or the TLS certificate
    of the sandbox remote signing service), made once."""
    cert_path = ca.directory / f"{name}.pem"
    key_path = ca.directory / f"{name}-key.pem"
    if not (cert_path.exists() and key_path.exists()):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = issue_certificate(ca, public_key=key.public_key(),
                                 common_name=f"onestop DEMO {name}", usage=usage)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                              + ca.issuing.public_bytes(serialization.Encoding.PEM))
        _write_private(key_path, _key_pem(key))
    return cert_path, key_path


def load_service_credentials(cert_path: Path, key_path: Path) -> tuple[
        x509.Certificate, rsa.RSAPrivateKey, list[x509.Certificate]]:
    certs = x509.load_pem_x509_certificates(cert_path.read_bytes())
    return certs[0], _load_key(key_path), certs[1:]
