"""Keys made on a PKCS#11 token, so the private key is born there and never leaves it.

`token_generate_key` creates an RSA key pair on the token (as a CA's registration authority
or an HSM administrator does) and returns its public key; a CA certifies that key (the demo
CA in the demo and tests; a licensed CA in production, which usually hands the token over
with key and certificate already on it) and `signer_register(kind="pkcs11", …)` records it.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import rsa

from .keys import pkcs11_session


def token_generate_key(*, token_label: str, key_label: str, secret_ref: str,
                       bits: int = 2048) -> rsa.RSAPublicKey:
    """A new RSA key pair on the token (PIN from `secret_ref`, as in Signer.secret_ref)."""
    from pkcs11 import Attribute, KeyType

    with pkcs11_session(token_label, secret_ref) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, bits, label=key_label, store=True,
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                              Attribute.SIGN: True},
        )
        modulus = int.from_bytes(public[Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()
