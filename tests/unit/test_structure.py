"""The layout's rules that import-linter does not see (docs/architecture.md):

- no `_private` name crosses a package (each package's __init__ names its surface);
- no import inside a function in app/ except to delay a heavy or platform-only library;
- every package of app/ declares its surface in __all__, and every name there exists;
- every settings key is spelled once, in app.core.keys;
- every in-transaction event has its handlers in app.bootstrap's one table.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from app import bootstrap
from app.core import events, keys

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")])
APP_PACKAGES = sorted(
    p.name for p in ROOT.joinpath("app").iterdir() if p.is_dir() and (p / "__init__.py").exists()
)
# Imported inside a function only to keep start-up light or to load what one platform has.
DELAYED = {"faker", "pypinyin", "opencc", "phonenumbers", "msvcrt", "fcntl", "reportlab"}
# ui/: the PDF writers load ReportLab; printing support may be missing from a Qt build.
DELAYED_UI = {
    "app.coupons.pdf",
    "app.prepaid.receipt",
    "app.reporting.report",
    "PySide6.QtPrintSupport",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _owner(module: str) -> str:
    """The package a module belongs to for these rules: app.<capability> (app.core ...),
    or ui.<page> for the screens."""
    return ".".join(module.split(".")[:2])


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _imported_from(node: ast.ImportFrom, module: str) -> str:
    if node.level:  # relative: from the importer's own package
        base = module.split(".")[: -node.level] if node.level else []
        return ".".join([*base, node.module or ""]).strip(".")
    return node.module or ""


def test_the_rules_see_every_package() -> None:
    assert {"core", "staff", "members", "coupons", "complaints", "loyalty"} <= set(APP_PACKAGES)
    assert {"reporting", "admin"} <= set(APP_PACKAGES)
    assert len(SOURCES) > 60


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_package(path: Path) -> None:
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours: dict[str, str] = {}  # local name -> module it came from (our own code only)
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _imported_from(node, module)
            if source.split(".")[0] not in ("app", "ui", "db"):
                continue
            for alias in node.names:
                full = f"{source}.{alias.name}"
                ours[alias.asname or alias.name] = full
                if _private(alias.name) and _owner(source) != _owner(module):
                    bad.append(f"line {node.lineno}: from {source} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("app", "ui", "db"):
                    ours[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in ours
            and _owner(ours[node.value.id]) != _owner(module)
        ):
            bad.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert not bad, f"{module} reaches into another package's private names: {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_inside_functions_only_delay_heavy_libraries(path: Path) -> None:
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = DELAYED | (DELAYED_UI if module.startswith("ui") else set())
    bad = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Import):
                candidates = [[a.name] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _imported_from(node, module)
                # `from app.reporting import report` imports the module app.reporting.report
                candidates = [[source, f"{source}.{a.name}"] for a in node.names]
            else:
                continue
            for names in candidates:
                if not any(n == ok or n.startswith(ok + ".") for n in names for ok in allowed):
                    bad.append(f"line {node.lineno}: {names[-1]} in {func.name}()")
    assert not bad, f"{module} imports inside functions: {bad}"


@pytest.mark.parametrize("package", APP_PACKAGES)
def test_each_package_names_its_public_surface(package: str) -> None:
    mod = importlib.import_module(f"app.{package}")
    if package == "core":  # the kernel: modules imported one by one
        assert mod.__doc__
        return
    surface = getattr(mod, "__all__", None)
    assert surface, f"app.{package} has no __all__"
    missing = [name for name in surface if not hasattr(mod, name)]
    assert not missing, missing
    assert not [name for name in surface if _private(name)]


def test_every_settings_key_is_spelled_once() -> None:
    spelled = []
    for path in ROOT.joinpath("app").rglob("*.py"):
        if path.name == "keys.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        surface = {  # names in __all__ (a function may be called backup_dir)
            id(c)
            for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
            for c in ast.walk(n.value)
        }
        for node in ast.walk(tree):
            literal = isinstance(node, ast.Constant) and node.value in keys.ALL
            if literal and id(node) not in surface:
                spelled.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not spelled, f"use app.core.keys instead of the literal: {spelled}"
    assert len(set(keys.ALL)) == len(keys.ALL)


def test_every_event_has_its_handlers_in_the_one_table() -> None:
    published = {events.VisitRecorded, events.MemberCreated, events.StoreZoneChanged}
    assert set(bootstrap.EVENT_HANDLERS) == published
    assert all(bootstrap.EVENT_HANDLERS[e] for e in published)
    # A visit reaches the day book before loyalty may upgrade the member: it is counted
    # in the tier the member had when they walked in.
    visit_handlers = [h.__module__ for h in bootstrap.EVENT_HANDLERS[events.VisitRecorded]]
    assert visit_handlers == ["app.reporting.daybook", "app.loyalty.visits"]
