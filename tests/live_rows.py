"""The run-time half of "services hand out plain values, never live ORM rows": every
public function of app/ that takes the context is wrapped, for the whole test run, so that
an ORM row in what it returns (also inside a dataclass, list, tuple or dict) fails the
test that made the call."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import app
from db.models import Base

_GUARDED = "__frontdesk_guarded__"


def _assert_plain(value: Any, where: str, depth: int = 0) -> None:
    if isinstance(value, Base):
        raise AssertionError(f"{where} returned a live ORM row: {type(value).__name__}")
    if depth > 4 or value is None or isinstance(value, str | bytes | int | float):
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _assert_plain(getattr(value, f.name), where, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in list(value)[:50]:
            _assert_plain(item, where, depth + 1)
    elif isinstance(value, dict):
        for key, item in list(value.items())[:50]:
            _assert_plain(key, where, depth + 1)
            _assert_plain(item, where, depth + 1)


def _checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def service(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        _assert_plain(result, f"{fn.__module__}.{fn.__qualname__}")
        return result

    setattr(service, _GUARDED, True)
    return service


def guard_services() -> int:
    """Wraps the services where they are defined and wherever app/ names them again (a
    package's __init__, a module that imported them by name); returns how many
    (idempotent)."""
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(app.__path__, prefix=f"{app.__name__}.")
    ]
    wrapped: dict[Callable[..., Any], Callable[..., Any]] = {}
    for module in modules:
        for name, fn in list(vars(module).items()):
            if (
                name.startswith("_")
                or not inspect.isfunction(fn)
                or fn.__module__ != module.__name__
                or getattr(fn, _GUARDED, False)
                or inspect.isgeneratorfunction(fn)
            ):
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["ctx"]:
                wrapped[fn] = _checked(fn)
    for module in [app, *modules]:
        for name, value in list(vars(module).items()):
            if inspect.isfunction(value) and value in wrapped:
                setattr(module, name, wrapped[value])
    return len(wrapped)
