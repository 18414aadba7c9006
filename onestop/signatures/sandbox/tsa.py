"""A sandbox RFC 3161 time-stamping authority (HTTP POST, application/timestamp-query).

RFC 3161 §3.4: the request body is a DER TimeStampReq, the answer a DER TimeStampResp with
Content-Type application/timestamp-reply. The token is built and signed by pyHanko's
DummyTimeStamper with a demo TSA certificate (extended key usage id-kp-timeStamping).
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ._http import LocalServer

MAX_REQUEST = 64 * 1024


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _Handler(BaseHTTPRequestHandler):
    server_version = "onestop-sandbox-tsa"

    def log_message(self, format: str, *args: object) -> None:  # quiet in tests
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Content-Type") != "application/timestamp-query" \
                or not 0 < length <= MAX_REQUEST:
            self.send_error(400, "expected an application/timestamp-query body")
            return
        try:
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            _parsed = request.native  # parse eagerly: a malformed request fails here
        except ValueError:
            self.send_error(400, "malformed TimeStampReq")
            return
        server: TimestampServer = self.server.app  # type: ignore[attr-defined]
        body = server.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TimestampServer(LocalServer):
    """`TimestampServer(certificate=…, key=…, chain=[…]).start().url` → the TSA's URL."""

    def __init__(self, *, certificate: x509.Certificate, key: rsa.RSAPrivateKey,
                 chain: list[x509.Certificate], port: int = 0) -> None:
        super().__init__(_Handler, port=port)
        der_key = key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        self.stamper = DummyTimeStamper(
            tsa_cert=_asn1(certificate), tsa_key=keys.PrivateKeyInfo.load(der_key),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]))
