"""The layout rules DESIGN.md section 2 writes down, read from the source itself.

import-linter checks the imports at the top of modules; this also reads imports inside
functions, the dotted paths handed to `import_string` and `include`, string foreign keys and
`apps.get_model` labels, so no app reaches a higher one by a side door. It also keeps modules
small, every transaction explicit, every row lock in the one lock module, and one layout in
every app."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from otc.layers import APPS

ROOT = Path(__file__).resolve().parent.parent
LAYERS = list(APPS)  # lowest first
RANK = {app: rank for rank, app in enumerate(LAYERS)}
MAX_LINES = 400
# one name per kind of module in every app: a module, or a package of that name
KINDS = ("services", "selectors", "views", "forms", "urls", "admin", "models", "tasks")


def app_modules(*, migrations: bool = True) -> Iterator[tuple[str, Path]]:
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not migrations and "migrations" in path.parts:
                continue
            yield app, path


def _target_app(dotted: str) -> str | None:
    head = dotted.split(".", 1)[0]
    return head if head in RANK else None


def references(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, how, dotted path or app label) for every reference to a project module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, "import", alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, "import", node.module  # relative imports stay in their app
        elif isinstance(node, ast.Call):
            yield from _string_references(node)


def _string_references(node: ast.Call) -> Iterator[tuple[int, str, str]]:
    name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
    strings = [
        a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if name in {"import_string", "include", "import_module"} and strings:
        yield node.lineno, name, strings[0]
    elif name in {"ForeignKey", "OneToOneField", "ManyToManyField"} and strings:
        if "." in strings[0]:
            yield node.lineno, "string foreign key", strings[0]
    elif name == "get_model" and strings:
        yield node.lineno, "get_model", strings[0]


def test_no_app_reaches_a_higher_layer_by_any_route():
    upward = []
    for app, path in app_modules():
        if app == "otc":
            continue  # the composition root wires every app
        for line, how, dotted in references(path):
            target = _target_app(dotted)
            if target is not None and RANK[target] > RANK[app]:
                upward.append(f"{path.relative_to(ROOT)}:{line} {how} {dotted}")
    assert upward == [], "lower layers must not use higher ones:\n" + "\n".join(upward)


def test_the_layer_contract_and_the_settings_list_the_apps_in_one_order():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = [c for c in contracts["contracts"] if c["type"] == "layers"]
    assert [c["layers"] for c in layered] == [list(reversed(LAYERS))]
    assert all(not c.get("ignore_imports") for c in contracts["contracts"])
    assert [app for app in settings.INSTALLED_APPS if app in RANK] == LAYERS


def test_the_walk_sees_imports_inside_functions_and_strings(tmp_path):
    """The check above can fail: it reads what a lazy import or a dotted string would hide."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def later():\n"
        "    from orders import services\n"
        "    return import_string('disputes.admin.X'), include('riskadmin.urls')\n"
    )
    found = {dotted for _, _, dotted in references(sample)}
    assert {"orders", "disputes.admin.X", "riskadmin.urls"} <= found


def test_no_application_module_passes_the_line_limit():
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for _, path in app_modules(migrations=False)
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == [], f"split these at their seams (over {MAX_LINES} lines):\n" + "\n".join(long)


def _atomic_calls(tree: ast.AST) -> Iterator[ast.Call | ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "atomic":
            yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if getattr(decorator, "attr", None) == "atomic":
                    yield decorator


def test_every_transaction_says_whether_it_is_the_outermost():
    """Top-level services open `atomic(durable=True)`; an inner block says `savepoint=`."""
    bare = []
    for _, path in app_modules(migrations=False):
        for node in _atomic_calls(ast.parse(path.read_text())):
            keywords = {kw.arg for kw in getattr(node, "keywords", [])}
            if not isinstance(node, ast.Call) or not keywords & {"durable", "savepoint"}:
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == [], "say durable=True or savepoint=... here:\n" + "\n".join(bare)


def test_row_locks_are_taken_only_through_the_lock_module():
    elsewhere = [
        f"{path.relative_to(ROOT)}:{number}"
        for _, path in app_modules(migrations=False)
        if path != ROOT / "core" / "locks.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"select_for_update\(|pg_advisory|FOR (NO KEY )?UPDATE|FOR SHARE", line)
        and not line.lstrip().startswith("#")
    ]
    assert elsewhere == [], "lock rows through core.locks:\n" + "\n".join(elsewhere)


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "otc"])
def test_each_app_names_its_modules_one_way(app):
    """`services.py` or a `services/` package, never `services_x.py` beside it."""
    odd = [
        path.name
        for path in (ROOT / app).glob("*.py")
        if any(path.stem.startswith(f"{kind}_") for kind in KINDS)
    ]
    assert odd == [], f"{app}: move {odd} into a package of its kind"
