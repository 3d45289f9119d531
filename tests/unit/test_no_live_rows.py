"""Services hand out plain values, never live ORM rows.

`UnitOfWork.__exit__` rolls back, which expires every row loaded in it, and closes the
session, which detaches them: a row read after its `with ctx.uow()` block raises
DetachedInstanceError — but only on the path where the row exists, which a test may never
take (the crash on every store's second start was `row.value` after the block, on a row
that only the first start writes). So these checks read the code rather than run it:

1. no name bound inside a `with ….uow()` block to a query result (or to what a helper
   typed as returning a model) is used after the block;
2. no service (a function taking the context) is typed as returning a model;
3. ui/ never touches SQLAlchemy or the models.

tests/conftest.py adds the run-time half: every service call made by the whole suite is
checked for ORM rows in what it returns (also inside dataclasses, lists and dicts).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERY_METHODS = {
    "get",
    "scalar",
    "scalars",
    "execute",
    "merge",
    "first",
    "one",
    "one_or_none",
    "all",
    "unique",
}


def _models() -> set[str]:
    tree = ast.parse((ROOT / "db" / "models.py").read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.ClassDef)} - {"Base"}


MODELS = _models()


def _sources(*folders: str) -> list[Path]:
    return [
        p
        for folder in folders
        for p in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in p.parts
    ]


def _mentions_model(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).replace("'", " ").replace('"', " ")
    words = {w for w in text.replace("[", " ").replace("]", " ").replace("|", " ").split()}
    return bool(words & MODELS)


def _functions_returning_models() -> set[str]:
    names = set()
    for path in _sources("app", "db"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and _mentions_model(node.returns):
                names.add(node.name)
    return names


ROW_FUNCTIONS = _functions_returning_models()


def _selects_rows(node: ast.expr) -> bool | None:
    """For a query call: does a select() in it ask for whole rows (select(Member)), or
    only for columns (select(Member.id), func.count())? None: no select() to read."""
    verdict = None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and getattr(sub.func, "id", "") == "select":
            if any(isinstance(a, ast.Name) and a.id in MODELS for a in sub.args):
                return True
            verdict = False
    return verdict


def _live(value: ast.expr | None, targets: dict[str, bool] | None = None) -> bool:
    """Could this expression be a live ORM row, or a collection of them?"""
    targets = targets or {}
    if value is None:
        return False
    if isinstance(value, ast.Name):
        return targets.get(value.id, False)
    if isinstance(value, ast.IfExp):
        return _live(value.body, targets) or _live(value.orelse, targets)
    if isinstance(value, ast.BoolOp):
        return any(_live(v, targets) for v in value.values)
    if isinstance(value, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        inner = dict(targets)
        for gen in value.generators:
            live_iter = _live(gen.iter, inner)
            for name in ast.walk(gen.target):
                if isinstance(name, ast.Name):
                    inner[name.id] = live_iter
        return _live(value.elt, inner)
    if not isinstance(value, ast.Call):
        return False  # an attribute or item of a row is a column value
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in ("list", "tuple", "set", "sorted", "next", "iter") and value.args:
        return _live(value.args[0], targets)
    if name in ROW_FUNCTIONS or name in MODELS:
        return True
    if isinstance(func, ast.Attribute) and name in QUERY_METHODS:
        if name == "get":  # session.get(Member, pk); not a dict's get
            return bool(value.args) and getattr(value.args[0], "id", "") in MODELS
        rows = _selects_rows(value)
        if rows is None and isinstance(func.value, ast.Call):
            return _live(func.value, targets)  # ….scalars(select(...)).all()
        return bool(rows)
    return False


def _bound_in(block: ast.With) -> dict[str, ast.expr | None]:
    bound: dict[str, ast.expr | None] = {}
    for node in ast.walk(block):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.For | ast.comprehension):
            targets, value = [node.target], node.iter
        elif isinstance(node, ast.NamedExpr):
            targets, value = [node.target], node.value
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and _live(value):
                    bound[name.id] = value
    return bound


def _is_uow(block: ast.With) -> bool:
    return any(
        isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Attribute)
        and item.context_expr.func.attr == "uow"
        for item in block.items
    )


def _rebinds(stmt: ast.stmt, name: str) -> bool:
    """The statement binds `name` afresh (a later block reusing the name)."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
    return False


def _reads_after(body: list[ast.stmt], path: Path, found: list[str]) -> None:
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.With) and _is_uow(stmt):
            for name in _bound_in(stmt):
                for later in body[i + 1 :]:
                    if _rebinds(later, name):
                        break
                    uses = [
                        n
                        for n in ast.walk(later)
                        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
                    ]
                    if uses:
                        found.append(
                            f"{path.relative_to(ROOT)}:{uses[0].lineno}: {name!r} "
                            f"(from the unit of work at line {stmt.lineno})"
                        )
                        break
        for field in ("body", "orelse", "finalbody"):
            sub = getattr(stmt, field, None)
            if isinstance(sub, list) and sub and isinstance(sub[0], ast.stmt):
                _reads_after(sub, path, found)
        for handler in getattr(stmt, "handlers", []):
            _reads_after(handler.body, path, found)


def test_no_row_is_read_after_its_unit_of_work() -> None:
    found: list[str] = []
    for path in _sources("app", "ui"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                _reads_after(node.body, path, found)
    assert not found, "rows used after their unit of work ended:\n" + "\n".join(found)


def test_the_check_finds_the_second_start_crash() -> None:
    """The checker itself: the code that crashed every second start is caught."""
    crashed = ast.parse(
        "def refresh_due(ctx):\n"
        "    with ctx.uow() as uow:\n"
        "        row = uow.session.get(Setting, LAST_REFRESH_KEY)\n"
        "    if row is None:\n"
        "        return True\n"
        "    return ctx.clock.now() - datetime.fromisoformat(row.value) >= REFRESH_EVERY\n"
    )
    fixed = ast.parse(
        "def refresh_due(ctx):\n"
        "    with ctx.uow() as uow:\n"
        "        row = uow.session.get(Setting, LAST_REFRESH_KEY)\n"
        "        last = row.value if row is not None else None\n"
        "    return last is None\n"
    )
    for tree, expected in ((crashed, 1), (fixed, 0)):
        found: list[str] = []
        function = tree.body[0]
        assert isinstance(function, ast.FunctionDef)
        _reads_after(function.body, ROOT / "app" / "loyalty.py", found)
        assert len(found) == expected, found


def test_services_are_not_typed_as_returning_rows() -> None:
    found = []
    for path in _sources("app"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            kinds = {ast.unparse(a.annotation) for a in node.args.args if a.annotation}
            # A helper given the caller's session runs inside its transaction: it may.
            in_transaction = any(
                "Session" in k or "Repository" in k or "UnitOfWork" in k for k in kinds
            )
            service = any("AppContext" in k for k in kinds) and not in_transaction
            if service and _mentions_model(node.returns):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    assert not found, "services typed as returning ORM rows:\n" + "\n".join(found)


def test_ui_never_touches_the_orm() -> None:
    found = []
    for path in _sources("ui"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            else:
                continue
            if module.startswith(("sqlalchemy", "db.models", "db.repositories")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module}")
    assert not found, "ui/ imports the ORM:\n" + "\n".join(found)


def test_the_run_time_guard_covers_the_services() -> None:
    from app import loyalty, members
    from tests.live_rows import _GUARDED, _assert_plain

    assert getattr(members.search, _GUARDED, False)
    assert getattr(loyalty.refresh_due, _GUARDED, False)
    from db.models import Setting

    try:
        _assert_plain({"row": [Setting(key="k", value="v")]}, "probe")
    except AssertionError as exc:
        assert "live ORM row: Setting" in str(exc)
    else:
        raise AssertionError("a row inside a dict inside a list was not noticed")
