"""Imports flow one way: surfaces → domain apps → core (docs/architecture.md).

The graph is read from the source with `ast` (every import, also those inside functions),
app by app, leaving out tests and migrations.
"""

from __future__ import annotations

import ast
from pathlib import Path

import onestop

ROOT = Path(onestop.__file__).parent
SURFACES = {"backoffice", "portal", "api", "sandbox"}
# Process-level code that may know every app (the demo builder, the browser tests, the
# process commands); nothing imports them.
TOP = {"demo", "e2e", "ops"}

# Two-way imports still to untie: none since issue 9's knot 1 (dossiers ↔ payments) was
# untied. The test fails on any pair not listed here and on a listed pair that no longer
# exists, so the list only shrinks; keep it empty.
KNOWN_TWO_WAY: set[tuple[str, str]] = set()
# Apps that sit on an import cycle (the pairs above): none. No app may join one.
KNOWN_ON_A_CYCLE: set[str] = set()


def _modules(app: Path) -> list[Path]:
    out = []
    for path in app.rglob("*.py"):
        parts = path.relative_to(app).parts
        if "tests" in parts or "migrations" in parts or path.name in ("conftest.py",):
            continue
        out.append(path)
    return out


def _imported_apps(path: Path, apps: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                names = [".".join(base + ([node.module] if node.module else []))]
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "onestop" and parts[1] in apps:
                found.add(parts[1])
    return found


def import_graph() -> dict[str, set[str]]:
    """{app: the other apps it imports}."""
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    return {
        app: set().union(*(_imported_apps(m, apps) for m in _modules(ROOT / app))) - {app}
        for app in sorted(apps)
    }


def test_no_domain_app_imports_a_surface():
    wrong = {
        f"{app} → {other}"
        for app, deps in import_graph().items() if app not in SURFACES | TOP
        for other in deps & SURFACES
    }
    assert not wrong, f"domain apps importing a surface: {sorted(wrong)}"


def test_surfaces_do_not_import_each_other():
    # What two surfaces share (who sees what, permissions, formatting) lives in a domain app.
    wrong = {f"{app} → {other}" for app, deps in import_graph().items() if app in SURFACES
             for other in deps & SURFACES}
    assert not wrong, sorted(wrong)


def test_no_app_imports_a_process_level_module():
    wrong = {f"{app} → {other}" for app, deps in import_graph().items() if app not in TOP
             for other in deps & TOP}
    assert not wrong, sorted(wrong)


def test_no_new_two_way_imports_between_apps():
    graph = import_graph()
    two_way = {tuple(sorted((a, b))) for a, deps in graph.items() for b in deps
               if a in graph.get(b, set()) and not {a, b} & TOP}
    assert two_way <= KNOWN_TWO_WAY, f"new two-way imports: {sorted(two_way - KNOWN_TWO_WAY)}"
    assert KNOWN_TWO_WAY <= two_way, (
        f"untied, remove from KNOWN_TWO_WAY: {sorted(KNOWN_TWO_WAY - two_way)}")


def _on_a_cycle(graph: dict[str, set[str]]) -> set[str]:
    """Apps that reach themselves again through the imports (process-level code left out)."""
    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [d for d in graph[start] if d not in TOP]
        while todo:
            app = todo.pop()
            if app not in seen:
                seen.add(app)
                todo += [d for d in graph[app] if d not in TOP]
        return seen
    return {app for app in graph if app not in TOP and app in reach(app)}


def test_no_app_joins_a_cycle():
    joined = _on_a_cycle(import_graph()) - KNOWN_ON_A_CYCLE
    assert not joined, f"apps now on an import cycle: {sorted(joined)}"


def test_payments_knows_nothing_of_dossiers_not_even_in_its_tests():
    # The payments core serves dossiers, bills and stalls through hooks; a dossier's fee
    # tests live in dossiers/tests/fees (docs/lock-order.md, issue 9 knot 1).
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    wrong = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "payments").rglob("*.py")
                   if "migrations" not in path.parts
                   and "dossiers" in _imported_apps(path, apps))
    assert not wrong, wrong


def test_the_walk_sees_imports():
    # The checks above pass trivially on an empty graph: make sure it is not empty.
    graph = import_graph()
    assert "payments" in graph["backoffice"]
    assert "core" in graph["dossiers"]
