"""The key stores a signer's private key can live in, behind one handle.

Three kinds (docs/signatures.md): a PKCS#12 file under the signature directory (small sites,
the demo), a PKCS#11 token or HSM (the USB tokens Vietnamese CAs issue, or a network HSM;
tested against SoftHSM2) and a remote signing service speaking the Cloud Signature
Consortium API v1 (`signatures/signHash`; the sandbox in onestop.signatures.sandbox implements
it). The database row (models.Signer) holds only the reference and where the PIN comes from.

`open_key(signer)` gives a `KeyHandle`: its certificate chain, a pyHanko signer for PDF
signatures, and `sign()` / `private_key()` for other formats (XML-DSig of the exchange app
uses `agency_key(agency)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import hashlib
import os
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.sign.signers import csc_signer
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import KeyUnavailable
from .models import Signer
from .trust import pem_certificates, signature_dir, to_asn1

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion from synchronous code (WSGI views, commands, tasks)."""
    return asyncio.run(coro)


def resolve_secret(ref: str) -> str | None:
    """A PIN or passphrase from "env:NAME" or "file:PATH" (relative to the signature dir)."""
    if not ref:
        return None
    scheme, _sep, value = ref.partition(":")
    if scheme == "env":
        secret = os.environ.get(value)
        if secret is None:
            raise KeyUnavailable(_("The PIN variable %(name)s is not set."), name=value)
        return secret
    if scheme == "file":
        path = Path(value)
        path = path if path.is_absolute() else signature_dir() / path
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise KeyUnavailable(_("The PIN file %(path)s cannot be read."),
                                 path=str(path)) from exc
    raise KeyUnavailable(_("Unknown PIN reference %(ref)s."), ref=ref)


def key_path(ref: str) -> Path:
    path = Path(ref)
    return path if path.is_absolute() else signature_dir() / "keys" / path


# --- pyHanko signer over a key held in memory ----------------------------------------------


class InMemoryKeySigner(PyHankoSigner):
    """A pyHanko signer over a `cryptography` private key loaded once.

    pyHanko's SimpleSigner parses its key again for every signature (about 150 ms for an
    RSA key with cryptography's key checks); a file key is loaded once per process here.
    """

    def __init__(self, *, key: Any, certificate: asn1_x509.Certificate,
                 chain: list[asn1_x509.Certificate]) -> None:
        self._key = key
        super().__init__(signing_cert=certificate,
                         cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]))

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        return sign_with_key(self._key, data, digest_algorithm)


HASHES: dict[str, Any] = {"sha256": hashes.SHA256, "sha384": hashes.SHA384,
                          "sha512": hashes.SHA512}


def sign_with_key(key: Any, data: bytes, digest_algorithm: str = "sha256") -> bytes:
    algorithm = HASHES[digest_algorithm.lower()]()
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), algorithm)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(algorithm))
    raise KeyUnavailable(_("This kind of key is not supported."))


# --- handles -------------------------------------------------------------------------------


@dataclass
class KeyHandle:
    """One signer's key: certificate chain, pyHanko signer, raw signatures."""

    signer: Signer
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    # Parsed once per handle (and handles are kept per process, `open_key`): asn1crypto
    # parses lazily and re-encoding a freshly loaded certificate for every signature's
    # signing-certificate attribute was a visible share of its time.
    @functools.cached_property
    def asn1_certificate(self) -> asn1_x509.Certificate:
        return to_asn1(self.certificate)

    @functools.cached_property
    def asn1_chain(self) -> list[asn1_x509.Certificate]:
        return [to_asn1(c) for c in self.chain]

    def current(self) -> bool:
        """Whether this cached handle still reflects its key store (a replaced key file)."""
        return True

    def warm(self) -> None:
        """Parse what every signature needs, before the handle is shared (`open_key`)."""
        _ = self.asn1_certificate, self.asn1_chain

    @contextlib.asynccontextmanager
    async def pyhanko(self) -> AsyncIterator[PyHankoSigner]:
        """A pyHanko signer for the duration of one signing operation."""
        raise NotImplementedError
        yield  # pragma: no cover

    async def async_sign(self, data: bytes, digest_algorithm: str = "sha256") -> bytes:
        async with self.pyhanko() as signer:
            return await signer.async_sign_raw(data, digest_algorithm)

    def sign(self, data: bytes, digest_algorithm: str = "sha256") -> bytes:
        """A raw signature of `data` (RSA PKCS#1 v1.5 or ECDSA over its digest)."""
        return run(self.async_sign(data, digest_algorithm))

    def private_key(self) -> Any:
        """An object with the `cryptography` private-key interface for libraries that sign
        with one (signxml for XML-DSig). For a token or remote key it delegates `sign()`."""
        return DelegatingRSAKey(self)


class FileKeyHandle(KeyHandle):
    def __init__(self, signer: Signer) -> None:
        key, cert, chain = _load_pkcs12(key_path(signer.key_ref), signer.secret_ref)
        super().__init__(signer=signer, certificate=cert, chain=chain)
        self._key = key

    def current(self) -> bool:
        try:
            key, _cert, _chain = _load_pkcs12(key_path(self.signer.key_ref),
                                              self.signer.secret_ref)
        except KeyUnavailable:
            return False
        return key is self._key

    def warm(self) -> None:
        super().warm()
        _ = self._signer

    @functools.cached_property
    def _signer(self) -> InMemoryKeySigner:
        return InMemoryKeySigner(key=self._key, certificate=self.asn1_certificate,
                                 chain=self.asn1_chain)

    @contextlib.asynccontextmanager
    async def pyhanko(self) -> AsyncIterator[PyHankoSigner]:
        yield self._signer

    def private_key(self) -> Any:
        return self._key


_pkcs12_cache: dict[tuple[str, float, str], tuple[Any, x509.Certificate,
                                                  list[x509.Certificate]]] = {}


def _load_pkcs12(path: Path, secret_ref: str) -> tuple[Any, x509.Certificate,
                                                       list[x509.Certificate]]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise KeyUnavailable(_("The key file %(path)s is missing."), path=str(path)) from exc
    cache_key = (str(path), stat.st_mtime, secret_ref)
    if cache_key not in _pkcs12_cache:
        secret = resolve_secret(secret_ref)
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(
                path.read_bytes(), secret.encode() if secret is not None else None)
        except ValueError as exc:
            raise KeyUnavailable(_("The key file %(path)s cannot be opened (wrong passphrase?)."),
                                 path=str(path)) from exc
        if key is None or cert is None:
            raise KeyUnavailable(_("The key file %(path)s holds no key and certificate."),
                                 path=str(path))
        _pkcs12_cache[cache_key] = (key, cert, list(chain))
    return _pkcs12_cache[cache_key]


class Pkcs11KeyHandle(KeyHandle):
    """A key on a PKCS#11 token; the certificate comes from the row (public data)."""

    def __init__(self, signer: Signer) -> None:
        certs = pem_certificates(signer.certificate)
        super().__init__(signer=signer, certificate=certs[0],
                         chain=pem_certificates(signer.chain))
        parts = dict(part.split("=", 1) for part in signer.key_ref.split(";") if "=" in part)
        self.token_label = parts.get("token", "")
        self.key_label = parts.get("key", "")
        if not self.token_label or not self.key_label:
            raise KeyUnavailable(_("A PKCS#11 key reference reads token=…;key=…."))

    @contextlib.asynccontextmanager
    async def pyhanko(self) -> AsyncIterator[PyHankoSigner]:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        with pkcs11_session(self.token_label, self.signer.secret_ref) as session:
            yield PKCS11Signer(session, key_label=self.key_label,
                               signing_cert=self.asn1_certificate, ca_chain=self.asn1_chain)


_p11_lock = threading.Lock()
_p11_sessions: dict[tuple[str, str], Any] = {}


@contextlib.contextmanager
def pkcs11_session(token_label: str, secret_ref: str) -> Any:
    """A logged-in session on the token, opened once per process and reused.

    Opening a session and logging in costs more than a signature on most tokens; one
    session serves this process's signatures one at a time (the lock), since PKCS#11
    sessions must not be used from two threads at once.
    """
    import pkcs11

    module = settings.ONESTOP_PKCS11_MODULE
    with _p11_lock:
        session = _p11_sessions.get((module, token_label))
        if session is None:
            try:
                token = pkcs11.lib(module).get_token(token_label=token_label)
                # Read-write, so the same session can also make keys (tokens.py). A login
                # is per application: once logged in, further sessions need no PIN.
                try:
                    session = token.open(rw=True, user_pin=resolve_secret(secret_ref))
                except pkcs11.UserAlreadyLoggedIn:
                    session = token.open(rw=True)
            except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
                raise KeyUnavailable(_("The token %(token)s cannot be opened: %(error)s"),
                                     token=token_label, error=type(exc).__name__) from exc
            _p11_sessions[(module, token_label)] = session
        try:
            yield session
        except pkcs11.PKCS11Error:
            # A pulled token or an expired login: open afresh next time.
            _p11_sessions.pop((module, token_label), None)
            raise


def pkcs11_forget() -> None:
    """Close every cached session (tests that make and delete tokens call it)."""
    with _p11_lock:
        for session in _p11_sessions.values():
            with contextlib.suppress(Exception):
                session.close()
        _p11_sessions.clear()


class RemoteKeyHandle(KeyHandle):
    """A credential at a remote signing service (CSC API v1) over HTTPS."""

    def __init__(self, signer: Signer) -> None:
        certs = pem_certificates(signer.certificate)
        super().__init__(signer=signer, certificate=certs[0],
                         chain=pem_certificates(signer.chain))
        if not settings.ONESTOP_CSC_URL:
            raise KeyUnavailable(_("No remote signing service is configured (ONESTOP_CSC_URL)."))

    @contextlib.asynccontextmanager
    async def pyhanko(self) -> AsyncIterator[PyHankoSigner]:
        info = csc_signer.CSCServiceSessionInfo(
            service_url=settings.ONESTOP_CSC_URL.rstrip("/"),
            credential_id=self.signer.key_ref, oauth_token=settings.ONESTOP_CSC_TOKEN or None)
        connector = aiohttp.TCPConnector(ssl=csc_ssl_context())
        async with aiohttp.ClientSession(connector=connector) as session:
            try:
                credential = await csc_signer.fetch_certs_in_csc_credential(session, info)
            except Exception as exc:
                raise KeyUnavailable(_("The remote signing service did not answer.")) from exc
            manager = PinAuthorizationManager(
                info, credential, session=session, pin=resolve_secret(self.signer.secret_ref))
            yield csc_signer.CSCSigner(session, manager)


def remote_certificates(credential_id: str) -> list[x509.Certificate]:
    """The certificate and chain the remote service holds for a credential
    (`credentials/info` with certificates=chain), signer's certificate first."""
    if not settings.ONESTOP_CSC_URL:
        raise KeyUnavailable(_("No remote signing service is configured (ONESTOP_CSC_URL)."))

    async def fetch() -> csc_signer.CSCCredentialInfo:
        info = csc_signer.CSCServiceSessionInfo(
            service_url=settings.ONESTOP_CSC_URL.rstrip("/"), credential_id=credential_id,
            oauth_token=settings.ONESTOP_CSC_TOKEN or None)
        connector = aiohttp.TCPConnector(ssl=csc_ssl_context())
        async with aiohttp.ClientSession(connector=connector) as session:
            return await csc_signer.fetch_certs_in_csc_credential(session, info)

    try:
        credential = run(fetch())
    except Exception as exc:
        raise KeyUnavailable(_("The remote signing service did not answer.")) from exc
    return [x509.load_der_x509_certificate(c.dump())
            for c in [credential.signing_cert, *credential.chain]]


def csc_ssl_context() -> ssl.SSLContext:
    if settings.ONESTOP_CSC_CA_FILE:
        return ssl.create_default_context(cafile=settings.ONESTOP_CSC_CA_FILE)
    return ssl.create_default_context()


class PinAuthorizationManager(csc_signer.CSCAuthorizationManager):
    """Asks `credentials/authorize` for signature activation data with the credential's PIN,
    bound to the hashes about to be signed (so it works with SCAL 1 and SCAL 2 services)."""

    def __init__(self, info: csc_signer.CSCServiceSessionInfo,
                 credential: csc_signer.CSCCredentialInfo, *, session: aiohttp.ClientSession,
                 pin: str | None) -> None:
        super().__init__(info, credential)
        self.session = session
        self.pin = pin

    async def authorize_signature(self, hash_b64s: list[str]) -> csc_signer.CSCAuthorizationInfo:
        body = self.format_csc_auth_request(pin=self.pin, hash_b64s=hash_b64s)
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        async with self.session.post(url, json=body, headers=self.auth_headers,
                                     raise_for_status=True) as response:
            return self.parse_csc_auth_response(await response.json())


# --- a private-key object that delegates to the key store -----------------------------------


class DelegatingRSAKey(rsa.RSAPrivateKey):
    """`cryptography`'s RSA private-key interface over a key that never leaves its store.

    Only signing is possible (PKCS#1 v1.5); the key cannot be exported or used to decrypt.
    """

    def __init__(self, handle: KeyHandle) -> None:
        self._handle = handle
        public = handle.certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise KeyUnavailable(_("Only RSA keys can be used through this interface."))
        self._public = public

    def sign(self, data: bytes, padding: Any, algorithm: Any) -> bytes:
        if isinstance(algorithm, utils.Prehashed):
            raise KeyUnavailable(_("The key store signs messages, not precomputed digests."))
        if type(padding).__name__ != "PKCS1v15":
            raise KeyUnavailable(_("Only PKCS#1 v1.5 signatures are available."))
        return self._handle.sign(data, algorithm.name)

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def decrypt(self, ciphertext: bytes, padding: Any) -> bytes:
        raise KeyUnavailable(_("This key can only sign."))

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        raise KeyUnavailable(_("The private key never leaves its key store."))

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:
        raise KeyUnavailable(_("The private key never leaves its key store."))

    def __copy__(self) -> DelegatingRSAKey:
        return self

    def __deepcopy__(self, memo: Any) -> DelegatingRSAKey:
        return self


HANDLES: dict[str, Callable[[Signer], KeyHandle]] = {
    Signer.Kind.PKCS12: FileKeyHandle,
    Signer.Kind.PKCS11: Pkcs11KeyHandle,
    Signer.Kind.REMOTE: RemoteKeyHandle,
}


_handles: dict[tuple[Any, ...], KeyHandle] = {}
_handles_lock = threading.Lock()


def open_key(signer: Signer) -> KeyHandle:
    """The key handle of `signer`, made once per process and reused.

    Loading a PKCS#12 file (key checks included), parsing certificates and building
    pyHanko's signer cost more than the signature itself; a handle is kept per signer row
    and key reference and rebuilt when its certificate, reference or key file changes.
    """
    cache_key = (signer.pk, signer.kind, signer.key_ref, signer.secret_ref, signer.serial)
    with _handles_lock:
        handle = _handles.get(cache_key)
    if handle is None or not handle.current():
        handle = HANDLES[signer.kind](signer)
        handle.warm()
        with _handles_lock:
            _handles[cache_key] = handle
    # The row as read now (name and position change without a new key).
    fresh = copy.copy(handle)
    fresh.signer = signer
    return fresh


def handles_forget() -> None:
    """Drop the cached key handles (tests that replace key files call it)."""
    with _handles_lock:
        _handles.clear()


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
