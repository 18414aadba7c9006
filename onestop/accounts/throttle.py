"""Throttles for sign-in, password reset and sign-up, by account and by address.

Attempts are counted with onestop.core.ratelimit (fixed windows in Redis or the database,
shared by every server process and by the pages and the API alike). When a count reaches its
limit, the account or address is locked out for ONESTOP_THROTTLE_LOCKOUT seconds (or until
the count's window ends, if later): a Lockout row (listed in the admin, where an agency admin
can lift it) and an audit event. While a lock-out holds, an attempt is refused before any
password is looked at, with the time to wait. Sign-in counts failures only (a success starts
the account's count again); password reset and sign-up count every request.

Unknown accounts are counted and locked like real ones (keyed by the login they were asked
for), so a lock-out never tells whether an account exists.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from onestop.core import ratelimit
from onestop.core.audit import audit_append
from onestop.core.errors import ValidationFailed

from .models import Lockout, User
from .services import citizen_by_identifier, normalise_phone

logger = logging.getLogger("onestop.security")

Scope = Lockout.Scope
By = Lockout.By
T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    limit: str  # the setting holding the number of attempts that locks (0: no limit)
    window: str  # the setting holding the window in seconds


RULES: dict[tuple[str, str], Rule] = {
    (Scope.SIGN_IN, By.ACCOUNT): Rule("ONESTOP_THROTTLE_SIGNIN_ACCOUNT",
                                      "ONESTOP_THROTTLE_SIGNIN_WINDOW"),
    (Scope.SIGN_IN, By.ADDRESS): Rule("ONESTOP_THROTTLE_SIGNIN_ADDRESS",
                                      "ONESTOP_THROTTLE_SIGNIN_WINDOW"),
    (Scope.PASSWORD_RESET, By.ACCOUNT): Rule("ONESTOP_THROTTLE_RESET_ACCOUNT",
                                             "ONESTOP_THROTTLE_RESET_WINDOW"),
    (Scope.PASSWORD_RESET, By.ADDRESS): Rule("ONESTOP_THROTTLE_RESET_ADDRESS",
                                             "ONESTOP_THROTTLE_RESET_WINDOW"),
    (Scope.SIGN_UP, By.ADDRESS): Rule("ONESTOP_THROTTLE_SIGNUP_ADDRESS",
                                      "ONESTOP_THROTTLE_SIGNUP_WINDOW"),
}


def _message(scope: str, minutes: int) -> str:
    if scope == Scope.SIGN_IN:
        return ngettext(
            "Too many failed sign-in attempts. To protect the account, signing in is paused: "
            "try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. To protect the account, signing in is paused: "
            "try again in %(minutes)d minutes.", minutes)
    if scope == Scope.PASSWORD_RESET:
        return ngettext(
            "Too many password reset requests. Try again in %(minutes)d minute.",
            "Too many password reset requests. Try again in %(minutes)d minutes.", minutes)
    return ngettext(
        "Too many sign-ups from your connection. Try again in %(minutes)d minute.",
        "Too many sign-ups from your connection. Try again in %(minutes)d minutes.", minutes)


class Throttled(ratelimit.RateLimited):
    """Refused while a lock-out holds; `retry_after` is the wait in seconds."""

    def __init__(self, *, scope: str, wait_seconds: float) -> None:
        wait = max(1, math.ceil(wait_seconds))
        minutes = max(1, math.ceil(wait / 60))
        super().__init__(_message(scope, minutes), retry_after=wait, minutes=minutes)


def _counter(scope: str, by: str, key: str) -> str:
    return f"throttle:{scope}:{by}:{key}"


def _keys(address: str, account: str | None) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = [(By.ADDRESS, address)]
    return keys + [(By.ACCOUNT, account)] if account else keys


def guard(scope: str, *, address: str, account: str | None = None) -> None:
    """Throttled if a lock-out of `scope` holds for the address or the account."""
    now = timezone.now()
    which = Q()
    for by, key in _keys(address, account):
        which |= Q(by=by, key=key)
    lock = (Lockout.objects.filter(which, scope=scope, lifted_at__isnull=True, until__gt=now)
            .order_by("-until").first())
    if lock is not None:
        raise Throttled(scope=scope, wait_seconds=(lock.until - now).total_seconds())


def record(scope: str, *, address: str, account: str | None = None, label: str = "") -> None:
    """Count one attempt of `scope`; lock the address or account whose limit it reaches."""
    for by, key in _keys(address, account):
        rule = RULES.get((scope, by))
        if rule is None:
            continue
        limit = int(getattr(settings, rule.limit))
        if limit <= 0:
            continue
        counted = ratelimit.count(key=_counter(scope, by, key),
                                  window_seconds=int(getattr(settings, rule.window)))
        if counted.value >= limit:
            # Locked at least until the count's window ends, so that after the wait the count
            # has started again (a password reset counted per hour waits up to the hour).
            seconds = max(settings.ONESTOP_THROTTLE_LOCKOUT, counted.retry_after)
            _lock(scope=scope, by=by, key=key, attempts=counted.value, seconds=seconds,
                  label=address if by == By.ADDRESS else (label or key), address=address)


def forget(scope: str, *, account: str) -> None:
    """A successful sign-in: the account's count of failures starts again."""
    rule = RULES[(scope, By.ACCOUNT)]
    ratelimit.reset(key=_counter(scope, By.ACCOUNT, account),
                    window_seconds=int(getattr(settings, rule.window)))


@transaction.atomic
def _lock(*, scope: str, by: str, key: str, attempts: int, seconds: int, label: str,
          address: str) -> None:
    now = timezone.now()
    until = now + datetime.timedelta(seconds=seconds)
    lock, created = Lockout.objects.select_for_update().get_or_create(
        scope=scope, by=by, key=key[:200],
        defaults={"label": label[:254], "attempts": attempts, "locked_at": now, "until": until})
    if not created:
        if lock.is_active(now):
            return  # another process locked it a moment ago
        lock.label, lock.attempts, lock.locked_at, lock.until = label[:254], attempts, now, until
        lock.lifted_at, lock.lifted_by = None, None
        lock.save()
    audit_append(actor=None, action="security.lockout", object_type="lockout",
                 object_id=lock.pk, to_state="locked",
                 data={"scope": scope, "by": by, "label": lock.label, "attempts": attempts,
                       "until": until.isoformat(), "address": address})
    logger.warning("lock-out: %s by %s %s until %s after %s attempts", scope, by, lock.label,
                   until.isoformat(), attempts)


@transaction.atomic
def lockout_lift(*, lockout_id: int, actor: Any) -> bool:
    """End a lock-out now (an agency admin helping someone); its count starts again.
    Returns False when it had already ended."""
    lock = Lockout.objects.select_for_update().filter(pk=lockout_id).first()
    now = timezone.now()
    if lock is None or not lock.is_active(now):
        return False
    lock.lifted_at, lock.lifted_by = now, actor
    lock.save(update_fields=["lifted_at", "lifted_by"])
    rule = RULES[(lock.scope, lock.by)]
    ratelimit.reset(key=_counter(lock.scope, lock.by, lock.key),
                    window_seconds=int(getattr(settings, rule.window)))
    audit_append(actor=actor, action="security.lockout_lift", object_type="lockout",
                 object_id=lock.pk, from_state="locked", to_state="lifted",
                 data={"scope": lock.scope, "by": lock.by, "label": lock.label})
    return True


# ---- sign-in --------------------------------------------------------------------------------

def sign_in_account(login: str) -> str:
    """The throttle key of the account a login names, the same for a citizen's phone and
    e-mail; a login that names no account is keyed by itself, so it is throttled alike."""
    login = (login or "").strip()
    user = citizen_by_identifier(login)
    if user is None:
        user = User.objects.filter(username=login).only("pk").first()
    if user is not None:
        return f"user:{user.pk}"
    try:
        return f"login:{normalise_phone(login)}"
    except ValidationFailed:
        return f"login:{login.lower()[:150]}"


def throttled_sign_in(*, address: str, login: str, check: Callable[[], T | None]) -> T | None:
    """Run `check` (the password check) unless a lock-out holds; count it when it fails.

    Throttled while the account or the address is locked out; the user `check` returned, or
    None for a wrong login or password.
    """
    account = sign_in_account(login)
    guard(Scope.SIGN_IN, address=address, account=account)
    user = check()
    if user is None:
        record(Scope.SIGN_IN, address=address, account=account, label=login[:254])
        return None
    forget(Scope.SIGN_IN, account=account)
    return user


def throttled_request(scope: str, *, address: str, account: str | None = None,
                      label: str = "") -> None:
    """A password reset or sign-up request: refused while locked out, counted otherwise."""
    guard(scope, address=address, account=account)
    record(scope, address=address, account=account, label=label)
