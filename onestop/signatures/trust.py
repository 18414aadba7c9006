"""What this installation trusts: root certificates, local CRLs, revocation policy.

The trust list is configuration, not code: every certificate file in <signature dir>/trust/
(the demo CA puts its root there) plus the files named in ONESTOP_SIGNATURE_TRUST_ROOTS. A
real deployment adds the national root CA ("Root CA" of the National Electronic
Authentication Centre, NEAC) and the CA that issued its signers' certificates
(docs/signatures.md).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko_certvalidator import ValidationContext

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def signature_dir() -> Path:
    return Path(settings.ONESTOP_SIGNATURE_DIR)


def trust_dir() -> Path:
    return signature_dir() / "trust"


def crl_dir() -> Path:
    return signature_dir() / "crl"


def _der_blocks(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(der) for der in _der_blocks(path.read_bytes())]


def _files(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in suffixes)


def _root_paths() -> list[Path]:
    return (_files(trust_dir(), CERT_SUFFIXES)
            + [Path(p) for p in settings.ONESTOP_SIGNATURE_TRUST_ROOTS])


def _crl_paths() -> list[Path]:
    return _files(crl_dir(), (".crl", ".pem")) + [Path(p) for p in settings.ONESTOP_SIGNATURE_CRLS]


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def trust_state() -> tuple[Any, ...]:
    """What the trust list and the local CRLs are right now (names, times and sizes of their
    files, and the policy): a new CRL dropped into crl/ or a new root changes it, so results
    cached under it (parsed files, a signer's certificate check) are never stale."""
    return (_fingerprint(_root_paths()), _fingerprint(_crl_paths()),
            settings.ONESTOP_SIGNATURE_REVOCATION, settings.ONESTOP_SIGNATURE_FETCH)


# Parsed files, per process, keyed on their fingerprint: reading and parsing the trust list
# and the CRLs for every signature was a measurable part of its time (perf/README.md).
_parsed: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}


def _cached(kind: str, paths: list[Path], load: Any) -> list[Any]:
    key = (kind, _fingerprint(paths))
    if key not in _parsed:
        if len(_parsed) > 32:
            _parsed.clear()
        items: list[Any] = []
        for path in paths:
            items += load(path)
        _parsed[key] = items
    return list(_parsed[key])


def trust_roots() -> list[asn1_x509.Certificate]:
    return _cached("roots", _root_paths(), load_certificates)


def _load_crls(path: Path) -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load(der) for der in _der_blocks(path.read_bytes())]


def local_crls() -> list[asn1_crl.CertificateList]:
    return _cached("crls", _crl_paths(), _load_crls)


REVOCATION_MODES = {"off": "soft-fail", "soft": "soft-fail", "hard": "hard-fail"}


def validation_kwargs(
    *, moment: datetime.datetime | None = None,
    other_certs: list[asn1_x509.Certificate] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of a pyHanko ValidationContext for the configured trust list and
    revocation policy (pyHanko's DSS reader merges a document's own revocation data in)."""
    mode = settings.ONESTOP_SIGNATURE_REVOCATION
    return {
        "trust_roots": trust_roots(),
        "other_certs": list(other_certs or []),
        "crls": local_crls() if mode != "off" else [],
        "allow_fetching": settings.ONESTOP_SIGNATURE_FETCH and mode != "off",
        "revocation_mode": REVOCATION_MODES[mode],
        "moment": moment,
    }


def validation_context(
    *, moment: datetime.datetime | None = None,
    other_certs: list[asn1_x509.Certificate] | None = None,
) -> ValidationContext:
    return ValidationContext(**validation_kwargs(moment=moment, other_certs=other_certs))


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def pem_certificates(text: str) -> list[x509.Certificate]:
    if not text.strip():
        return []
    return x509.load_pem_x509_certificates(text.encode())


def to_pem(certs: list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)
