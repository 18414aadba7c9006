"""A registry of named providers (payment providers, postal services): each kind of provider
keeps one, registers its implementations by `name` at import and looks them up by name."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # for the error: "no payment provider named 'x'"
        self._by_name: dict[str, T] = {}

    def register(self, provider: T) -> T:
        """Add (or replace, e.g. in tests) the provider under its name."""
        self._by_name[provider.name] = provider
        return provider

    def get(self, name: str) -> T:
        try:
            return self._by_name[name]
        except KeyError as exc:
            raise LookupError(f"no {self.kind} named {name!r}") from exc

    def registered(self) -> list[str]:
        return sorted(self._by_name)
