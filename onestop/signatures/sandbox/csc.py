"""A sandbox remote signing service: the Cloud Signature Consortium API v1.0.4.0, over HTTPS.

Implemented shapes (CSC API v1.0.4.0, 2019-06, sections 11.1–11.9), JSON over POST under
/csc/v1/: `info`; `credentials/list`; `credentials/info` (key algorithms as OIDs, the
certificate chain as base64 DER, `multisign`, `SCAL`); `credentials/authorize` (PIN →
signature activation data, bound to the hashes for SCAL 2, with `expiresIn`);
`signatures/signHash` (`hash`, `hashAlgo`, `signAlgo` OIDs → base64 `signatures`). Errors
answer with HTTP 400/401 and {"error": …, "error_description": …} as §10.1 describes.

Every call but `info` needs the service's bearer token. Keys are the sandbox's own PKCS#12
files; it is not a real CA service and its `info` says so.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from ._http import LocalServer

SHA256_OID = "2.16.840.1.101.3.4.2.1"
SHA256_RSA_OID = "1.2.840.113549.1.1.11"
SAD_SECONDS = 300
MAX_BODY = 1024 * 1024


@dataclass
class Credential:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]
    pin: str


@dataclass
class _Activation:
    credential_id: str
    hashes: set[str]
    expires: float
    remaining: int


class CSCError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


@dataclass
class _State:
    token: str
    credentials: dict[str, Credential]
    activations: dict[str, _Activation] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    signatures: int = 0


class _Handler(BaseHTTPRequestHandler):
    server_version = "onestop-sandbox-csc"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        state: _State = self.server.app.state  # type: ignore[attr-defined]
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise CSCError(400, "invalid_request", "Request too large")
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                raise CSCError(400, "invalid_request", "Malformed JSON") from exc
            if not isinstance(body, dict):
                raise CSCError(400, "invalid_request", "Expected a JSON object")
            path = self.path.split("?", 1)[0]
            if path != "/csc/v1/info":
                if self.headers.get("Authorization") != f"Bearer {state.token}":
                    raise CSCError(401, "invalid_token", "Missing or invalid access token")
            route = ROUTES.get(path)
            if route is None:
                raise CSCError(404, "invalid_request", "Unknown endpoint")
            self._answer(200, route(state, body))
        except CSCError as exc:
            self._answer(exc.status, {"error": exc.error, "error_description": exc.description})

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _credential(state: _State, body: dict[str, Any]) -> tuple[str, Credential]:
    credential_id = body.get("credentialID")
    if not isinstance(credential_id, str) or credential_id not in state.credentials:
        raise CSCError(400, "invalid_request", "Invalid parameter credentialID")
    return credential_id, state.credentials[credential_id]


def _b64_der(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def info(state: _State, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "specs": "1.0.4.0", "name": "onestop SANDBOX remote signing (not a real CA service)",
        "logo": "", "region": "VN", "lang": "vi-VN",
        "description": "Local sandbox for tests and demos; keys are demo keys.",
        "authType": ["external"], "methods": [
            "credentials/list", "credentials/info", "credentials/authorize",
            "signatures/signHash"],
    }


def credentials_list(state: _State, body: dict[str, Any]) -> dict[str, Any]:
    return {"credentialIDs": sorted(state.credentials)}


def credentials_info(state: _State, body: dict[str, Any]) -> dict[str, Any]:
    _id, credential = _credential(state, body)
    wanted = body.get("certificates", "single")
    certs = [credential.certificate]
    if wanted == "chain":
        certs += credential.chain
    elif wanted == "none":
        certs = []
    return {
        "description": "SANDBOX credential",
        "key": {"status": "enabled", "algo": [SHA256_RSA_OID],
                "len": credential.key.key_size},
        "cert": {"status": "valid", "certificates": [_b64_der(c) for c in certs]},
        "authMode": "explicit", "PIN": {"presence": "true", "format": "A",
                                        "label": "PIN"},
        "SCAL": "2", "multisign": 10,
    }


def credentials_authorize(state: _State, body: dict[str, Any]) -> dict[str, Any]:
    credential_id, credential = _credential(state, body)
    if not secrets.compare_digest(str(body.get("PIN", "")), credential.pin):
        raise CSCError(400, "invalid_pin", "The PIN is invalid")
    hashes_ = body.get("hash")
    count = body.get("numSignatures")
    if not isinstance(hashes_, list) or not hashes_ or not isinstance(count, int) \
            or count != len(hashes_):
        # SCAL 2: the activation data is bound to the hashes to be signed (§11.6).
        raise CSCError(400, "invalid_request", "hash and numSignatures are required (SCAL 2)")
    sad = secrets.token_urlsafe(24)
    with state.lock:
        now = time.monotonic()
        for key in [k for k, a in state.activations.items() if a.expires < now]:
            del state.activations[key]
        state.activations[sad] = _Activation(credential_id=credential_id, hashes=set(hashes_),
                                             expires=now + SAD_SECONDS, remaining=count)
    return {"SAD": sad, "expiresIn": SAD_SECONDS}


def signatures_sign_hash(state: _State, body: dict[str, Any]) -> dict[str, Any]:
    credential_id, credential = _credential(state, body)
    hashes_ = body.get("hash")
    if not isinstance(hashes_, list) or not hashes_:
        raise CSCError(400, "invalid_request", "Missing parameter hash")
    if body.get("hashAlgo", SHA256_OID) != SHA256_OID or body.get("signAlgo") != SHA256_RSA_OID:
        raise CSCError(400, "invalid_request", "Unsupported hashAlgo or signAlgo")
    with state.lock:
        activation = state.activations.get(str(body.get("SAD", "")))
        if activation is None or activation.expires < time.monotonic() \
                or activation.credential_id != credential_id \
                or not set(hashes_) <= activation.hashes or activation.remaining < len(hashes_):
            raise CSCError(400, "invalid_request", "Invalid or expired SAD")
        activation.remaining -= len(hashes_)
        if activation.remaining == 0:
            del state.activations[str(body["SAD"])]
        state.signatures += len(hashes_)
    signatures = []
    for item in hashes_:
        try:
            digest = base64.b64decode(item, validate=True)
        except ValueError as exc:
            raise CSCError(400, "invalid_request", "hash must be base64") from exc
        if len(digest) != 32:
            raise CSCError(400, "invalid_request", "hash must be a SHA-256 digest")
        signature = credential.key.sign(digest, padding.PKCS1v15(),
                                        utils.Prehashed(hashes.SHA256()))
        signatures.append(base64.b64encode(signature).decode())
    return {"signatures": signatures}


ROUTES = {
    "/csc/v1/info": info,
    "/csc/v1/credentials/list": credentials_list,
    "/csc/v1/credentials/info": credentials_info,
    "/csc/v1/credentials/authorize": credentials_authorize,
    "/csc/v1/signatures/signHash": signatures_sign_hash,
}


class RemoteSigningServer(LocalServer):
    """`RemoteSigningServer(token=…, credentials={id: Credential}, tls=(cert, key)).start()`."""

    def __init__(self, *, token: str, credentials: dict[str, Credential],
                 tls: tuple[str, str], port: int = 0) -> None:
        super().__init__(_Handler, port=port, tls=tls)
        self.state = _State(token=token, credentials=dict(credentials))
