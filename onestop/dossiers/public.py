"""A per-dossier generation number that changes whenever the dossier's public face may change.

Public pages cached by dossier code put the generation in their cache key; `record()` bumps
it after every committed change, so a cached page is never served after its dossier moved
(in this process at once; in others through a shared cache such as Redis).
"""

from __future__ import annotations

from django.core.cache import cache

_PREFIX = "onestop:dossier-gen:"


def public_generation(code: str) -> int:
    return int(cache.get(_PREFIX + code, 0))


def bump_public_generation(code: str) -> None:
    key = _PREFIX + code
    try:
        cache.incr(key)
    except ValueError:  # not cached yet (or evicted): any new number invalidates old pages
        cache.set(key, public_generation(code) + 1, timeout=None)
