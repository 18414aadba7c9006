"""A STAND-IN for the national sign-in (VNeID / Cổng DVCQG account) — not the national one.

An OpenID Connect provider mounted in the national stand-in server (standin.py) under
/oidc/: discovery, an authorize page labelled STAND-IN offering demo identities, the token
endpoint (client secret, one-time codes, PKCE S256 checked), userinfo, the JWKS, and ID
tokens signed RS256 with a key made at start (joserfc, the JOSE library Authlib uses).

    GET  /oidc/.well-known/openid-configuration
    GET  /oidc/authorize?response_type=code&client_id=…&redirect_uri=…&state=…&nonce=…
         &code_challenge=…&code_challenge_method=S256      → the STAND-IN page
    POST /oidc/authorize (identity chosen)                 → 302 redirect_uri?code=…&state=…
    POST /oidc/token, GET /oidc/userinfo, GET /oidc/jwks

Faults for tests (`signin_state(standin).fault = …`): "nonce" signs an ID token with another
nonce, "audience" one for another client, "issuer" one from another issuer.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from .standin import MOUNTS

PREFIX = "/oidc"
CLIENT_ID, CLIENT_SECRET = "onestop-standin", "standin-client-secret-not-a-secret"
LABEL = "STAND-IN for the national sign-in (VNeID / Cổng DVCQG) — not the national portal"

# Demo identities (fictitious: CCCD with 00 as 7th–8th digits, 0900 phones, 09… tax codes).
# The first matches the demo citizen `congdan`, the business her demo business.
IDENTITIES: dict[str, dict[str, Any]] = {
    "citizen": {
        "TechID": "STANDIN-CD-0001", "LoaiTaiKhoan": "1", "SoDinhDanh": "092187001001",
        "HoVaTen": "Nguyễn Thị Hoa", "Email": "hoa.nguyen@example.com",
        "SoDienThoai": "0900000001",
    },
    "new-citizen": {
        "TechID": "STANDIN-CD-0002", "LoaiTaiKhoan": "1", "SoDinhDanh": "092095001777",
        "HoVaTen": "Trần Minh Khoa", "Email": "khoa.tran@example.com",
        "SoDienThoai": "0900000777",
    },
    "business": {
        "TechID": "STANDIN-DN-0001", "LoaiTaiKhoan": "2", "SoDinhDanh": "092187001001",
        "HoVaTen": "Nguyễn Thị Hoa", "MaSoThue": "1800001234", "MaDoanhNghiep": "1800001234",
        "TenDoanhNghiep": "Công ty TNHH Lúa Vàng Tây Đô (dữ liệu mẫu)",
        "DiaChiTruSo": "Số 18 Đường Trần Hưng Đạo, Phường Ninh Kiều, Thành phố Cần Thơ",
        "NguoiDaiDien": "Trương Văn Lộc", "Email": "lienhe@example.com",
    },
}


@dataclass
class SigninState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}))
    identities: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {k: dict(v) for k, v in IDENTITIES.items()})
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    fault: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)


_KEY_LOCK = threading.Lock()


def signin_state(owner: Any) -> SigninState:
    """The sign-in stand-in's state inside a stand-in server's state (or a StandIn)."""
    state = getattr(owner, "state", owner)
    with _KEY_LOCK:
        found = state.__dict__.get("oidc")
        if found is None:
            found = state.__dict__["oidc"] = SigninState()
    return found


def _issuer(handler: Any) -> str:
    return f"http://{handler.headers.get('Host', '127.0.0.1')}{PREFIX}"


def discovery(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token", "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"], "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["sub", *sorted({k for v in IDENTITIES.values() for k in v})],
        "standin": True,
    }


def _send(handler: Any, status: int, body: Any, *, content_type: str = "application/json",
          headers: dict[str, str] | None = None) -> None:
    raw = (json.dumps(body, ensure_ascii=False) if content_type == "application/json"
           else str(body)).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", f"{content_type}; charset=utf-8")
    handler.send_header("Content-Length", str(len(raw)))
    handler.send_header("X-Onestop-Standin", "1")
    handler.send_header("Cache-Control", "no-store")
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(raw)


def _page(params: dict[str, str], identities: dict[str, dict[str, Any]]) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in params.items())
    choices = "".join(
        f'<li><button type="submit" name="identity" value="{html.escape(key)}">'
        f'{html.escape(str(who.get("TenDoanhNghiep") or who.get("HoVaTen")))} — '
        f'{"doanh nghiệp" if who.get("LoaiTaiKhoan") == "2" else "công dân"} '
        f'({html.escape(str(who.get("SoDinhDanh") or who.get("MaSoThue")))})</button></li>'
        for key, who in identities.items())
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>STAND-IN – Đăng nhập tài khoản quốc gia</title></head><body>"
        f'<p role="note" style="background:#fde68a;padding:1em"><strong>STAND-IN</strong> – '
        f"{html.escape(LABEL)}. Không phải Cổng Dịch vụ công quốc gia; danh tính mẫu.</p>"
        "<h1>Đăng nhập bằng tài khoản định danh điện tử (STAND-IN)</h1>"
        f'<form method="post" action="{PREFIX}/authorize">{hidden}<ul>{choices}</ul>'
        '<p><button type="submit" name="identity" value="">Từ chối / Deny</button></p>'
        "</form></body></html>")


def _form(handler: Any) -> dict[str, str]:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _authorize_get(handler: Any, state: SigninState, query: dict[str, str]) -> None:
    problems = []
    if query.get("response_type") != "code":
        problems.append("response_type must be code")
    if query.get("client_id") != CLIENT_ID:
        problems.append("unknown client_id")
    if not query.get("redirect_uri", "").startswith(("http://", "https://")):
        problems.append("redirect_uri missing")
    if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
        problems.append("PKCE S256 required")
    if not query.get("state"):
        problems.append("state required")
    if "openid" not in query.get("scope", "").split():
        problems.append("scope must include openid")
    if problems:
        _send(handler, 400, "<p>STAND-IN: " + html.escape("; ".join(problems)) + "</p>",
              content_type="text/html")
        return
    keep = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
            "code_challenge", "code_challenge_method")
    _send(handler, 200, _page({k: query.get(k, "") for k in keep}, state.identities),
          content_type="text/html")


def _redirect(handler: Any, url: str) -> None:
    _send(handler, 302, "", content_type="text/plain", headers={"Location": url})


def _authorize_post(handler: Any, state: SigninState) -> None:
    form = _form(handler)
    redirect_uri = form.get("redirect_uri", "")
    if form.get("client_id") != CLIENT_ID or not redirect_uri.startswith(("http://",
                                                                          "https://")):
        _send(handler, 400, "<p>STAND-IN: bad request</p>", content_type="text/html")
        return
    glue = "&" if urlsplit(redirect_uri).query else "?"
    identity = form.get("identity", "")
    if identity not in state.identities:
        _redirect(handler, redirect_uri + glue + urlencode(
            {"error": "access_denied", "state": form.get("state", "")}))
        return
    code = secrets.token_urlsafe(24)
    with state.lock:
        state.codes[code] = {
            "identity": identity, "redirect_uri": redirect_uri, "nonce": form.get("nonce", ""),
            "challenge": form.get("code_challenge", ""), "scope": form.get("scope", ""),
            "expires": time.time() + 120}
    _redirect(handler, redirect_uri + glue + urlencode({"code": code,
                                                        "state": form.get("state", "")}))


def _client_ok(handler: Any, form: dict[str, str]) -> bool:
    auth = handler.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        try:
            who, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return False
    else:
        who, secret = form.get("client_id", ""), form.get("client_secret", "")
    return secrets.compare_digest(who, CLIENT_ID) and secrets.compare_digest(secret,
                                                                             CLIENT_SECRET)


def _token(handler: Any, state: SigninState) -> None:
    form = _form(handler)
    with state.lock:
        state.received.append({"path": "token", "form": {k: v for k, v in form.items()
                                                         if k != "client_secret"}})
    if not _client_ok(handler, form):
        _send(handler, 401, {"error": "invalid_client"})
        return
    if form.get("grant_type") != "authorization_code":
        _send(handler, 400, {"error": "unsupported_grant_type"})
        return
    with state.lock:
        grant = state.codes.pop(form.get("code", ""), None)  # a code is good once
    if grant is None or grant["expires"] < time.time():
        _send(handler, 400, {"error": "invalid_grant", "error_description": "unknown code"})
        return
    if grant["redirect_uri"] != form.get("redirect_uri"):
        _send(handler, 400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        return
    verifier = form.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()
                                         ).rstrip(b"=").decode()
    if not verifier or not secrets.compare_digest(challenge, grant["challenge"]):
        _send(handler, 400, {"error": "invalid_grant", "error_description": "PKCE"})
        return
    claims = dict(state.identities[grant["identity"]])
    issuer, now = _issuer(handler), int(time.time())
    fault = state.fault
    id_claims = {
        "iss": "http://elsewhere.invalid" if fault == "issuer" else issuer,
        "sub": claims["TechID"], "aud": "another-client" if fault == "audience" else CLIENT_ID,
        "iat": now, "exp": now + 300, "auth_time": now,
        "nonce": "not-the-nonce" if fault == "nonce" else grant["nonce"],
    }
    access = secrets.token_urlsafe(24)
    with state.lock:
        state.tokens[access] = {"identity": grant["identity"], "expires": now + 300}
    id_token = jwt.encode({"alg": "RS256", "kid": state.key.kid}, id_claims, state.key)
    _send(handler, 200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                         "id_token": id_token, "scope": grant["scope"]})


def _userinfo(handler: Any, state: SigninState) -> None:
    auth = handler.headers.get("Authorization", "")
    token = auth[7:] if auth.startswith("Bearer ") else ""
    with state.lock:
        grant = state.tokens.get(token)
    if grant is None or grant["expires"] < time.time():
        _send(handler, 401, {"error": "invalid_token"},
              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return
    claims = dict(state.identities[grant["identity"]])
    _send(handler, 200, {"sub": claims["TechID"], **claims, "standin": True})


def handle(handler: Any, method: str) -> bool:
    """The mount: answer requests under /oidc/, leave the others to the adapter stand-in."""
    parts = urlsplit(handler.path)
    if not (parts.path == PREFIX or parts.path.startswith(PREFIX + "/")):
        return False
    state = signin_state(handler.server)
    path = parts.path[len(PREFIX):]
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if method == "GET" and path == "/.well-known/openid-configuration":
        _send(handler, 200, discovery(_issuer(handler)))
    elif method == "GET" and path == "/jwks":
        _send(handler, 200, {"keys": [state.key.as_dict(private=False)]})
    elif method == "GET" and path == "/authorize":
        _authorize_get(handler, state, query)
    elif method == "POST" and path == "/authorize":
        _authorize_post(handler, state)
    elif method == "POST" and path == "/token":
        _token(handler, state)
    elif method in ("GET", "POST") and path == "/userinfo":
        _userinfo(handler, state)
    else:
        _send(handler, 404, {"error": "not_found", "label": LABEL})
    return True


MOUNTS.append(handle)
