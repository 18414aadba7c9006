"""`onestop signatures …`: the signer registry, the demo CA and the local sandboxes.

    onestop signatures list
    onestop signatures register --label L --kind pkcs12|pkcs11|remote --agency CODE
        [--user USERNAME] --key-ref REF [--secret-ref env:VAR|file:PATH] --name "…"
        [--position "…"] [--certificate cert.pem] [--chain chain.pem]
    onestop signatures democa
    onestop signatures sandbox [--tsa-port 8181] [--csc-port 8443]
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.accounts.models import User
from onestop.agencies.models import Agency
from onestop.core.errors import DomainError
from onestop.signatures import democa
from onestop.signatures.keys import resolve_secret
from onestop.signatures.models import Signer
from onestop.signatures.services import certificate_from_file, signer_register
from onestop.signatures.trust import signature_dir


class Command(BaseCommand):
    help = "Signer registry, demo CA and local sandboxes (docs/signatures.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("list", help="every signer and its certificate")
        register = sub.add_parser("register", help="record which key a person or unit uses")
        register.add_argument("--label", required=True)
        register.add_argument("--kind", required=True, choices=Signer.Kind.values)
        register.add_argument("--agency", required=True, help="agency code")
        register.add_argument("--user", default="", help="username (empty: the unit itself)")
        register.add_argument("--key-ref", required=True)
        register.add_argument("--secret-ref", default="")
        register.add_argument("--name", required=True, help="name as printed")
        register.add_argument("--position", default="")
        register.add_argument("--certificate", type=Path)
        register.add_argument("--chain", type=Path)
        sub.add_parser("democa", help="make the demo CA (labelled DEMO) and trust its root")
        sandbox = sub.add_parser(
            "sandbox", help="run the SANDBOX time-stamping authority and remote signing service")
        sandbox.add_argument("--tsa-port", type=int, default=8181)
        sandbox.add_argument("--csc-port", type=int, default=8443)

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{verb}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def do_list(self, **options: Any) -> None:
        for signer in Signer.objects.select_related("agency", "user").order_by("agency__code",
                                                                                "label"):
            state = "active" if signer.is_active else "retired"
            who = signer.user.username if signer.user else "(unit)"
            self.stdout.write(
                f"{signer.label:32} {signer.kind:7} {signer.agency.code:16} {who:22} "
                f"{state:8} until {signer.not_after:%Y-%m-%d}  {signer.subject}")

    def do_register(self, *, label: str, kind: str, agency: str, user: str, key_ref: str,
                    secret_ref: str, name: str, position: str, certificate: Path | None,
                    chain: Path | None, **options: Any) -> None:
        try:
            unit = Agency.objects.get(code=agency)
            person = User.objects.get(username=user) if user else None
        except (Agency.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        cert = certificate_from_file(certificate.read_bytes()) if certificate else None
        ca_certs = x509.load_pem_x509_certificates(chain.read_bytes()) if chain else []
        signer = signer_register(label=label, kind=kind, agency=unit, user=person,
                                 key_ref=key_ref, secret_ref=secret_ref, certificate=cert,
                                 chain=ca_certs, name=name, position=position)
        self.stdout.write(f"registered {signer.label}: {signer.subject}, "
                          f"valid until {signer.not_after:%Y-%m-%d}")

    def do_democa(self, **options: Any) -> None:
        ca = democa.ensure_demo_ca()
        self.stdout.write(f"demo CA in {ca.directory} (root trusted: "
                          f"{signature_dir() / 'trust' / 'onestop-demo-root.pem'})")

    def do_sandbox(self, *, tsa_port: int, csc_port: int, **options: Any) -> None:
        from onestop.signatures.sandbox.csc import Credential, RemoteSigningServer
        from onestop.signatures.sandbox.tsa import TimestampServer

        ca = democa.ensure_demo_ca()
        cert, key, chain = democa.load_service_credentials(
            *democa.service_credentials(ca, name="tsa", usage="timestamping"))
        tsa = TimestampServer(certificate=cert, key=key, chain=chain, port=tsa_port).start()
        tls_cert, tls_key = democa.service_credentials(ca, name="csc-tls", usage="tls")
        credentials = {}
        store = signature_dir() / "remote-sandbox"
        for path in sorted(store.glob("*.p12")):
            pin = resolve_secret(f"file:remote-sandbox/{path.stem}.pin") or ""
            p_key, p_cert, p_chain = pkcs12.load_key_and_certificates(path.read_bytes(),
                                                                       pin.encode())
            credentials[path.stem] = Credential(key=p_key, certificate=p_cert,  # type: ignore[arg-type]
                                                chain=list(p_chain), pin=pin)
        token = secrets.token_urlsafe(18)
        csc = RemoteSigningServer(token=token, credentials=credentials,
                                  tls=(str(tls_cert), str(tls_key)), port=csc_port)
        self.stdout.write(
            "SANDBOX services (not real CA services):\n"
            f"  time-stamping authority  ONESTOP_SIGNATURE_TSA_URL={tsa.url}\n"
            f"  remote signing (CSC v1)  ONESTOP_CSC_URL={csc.url} "
            f"ONESTOP_CSC_TOKEN={token} ONESTOP_CSC_CA_FILE={ca.directory / 'root.pem'}\n"
            f"  credentials: {', '.join(credentials) or '(none: put <id>.p12 and <id>.pin in '}"
            f"{'' if credentials else str(store) + ')'}\n"
            "Ctrl-C stops them.")
        try:
            csc.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            tsa.stop()
