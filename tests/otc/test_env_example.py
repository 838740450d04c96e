"""`.env.example` and the settings name the same variables: every one the settings read is
listed there with a comment line of its own, and every one listed is read somewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.servers import ROOT

SETTINGS = ROOT / "otc" / "settings"
# The settings' helpers (otc/settings/base.py) whose first argument is a variable's name.
ENV_HELPERS = {"env", "env_bool", "env_list"}
# Variables read outside the settings, by the entry points and the deployment files.
OTHER_READERS = ["manage.py", "otc/devrun.py", "Procfile", "docker-compose.yml", "Dockerfile"]
ASSIGNMENT = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=")


def _is_environ(node: ast.AST) -> bool:
    """`os.environ` or a bare `environ`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id == "environ"


def _name(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reads_by_call(func: ast.expr) -> bool:
    """A call whose first argument is the variable's name."""
    if isinstance(func, ast.Name):
        return func.id in ENV_HELPERS | {"getenv"}
    if isinstance(func, ast.Attribute):
        environ_method = func.attr in {"get", "setdefault", "pop"} and _is_environ(func.value)
        return func.attr == "getenv" or environ_method
    return False


def names_read(source: str) -> set[str]:
    """Every variable name `source` reads: env("X"...) and its siblings, os.environ.get("X"),
    os.environ["X"], os.environ.setdefault("X", ...), os.getenv("X"), "X" in os.environ."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Call) and node.args and _reads_by_call(node.func):
            name = _name(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _name(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            name = _name(node.left)
        if name:
            found.add(name)
    return found


def settings_reads() -> set[str]:
    names: set[str] = set()
    for path in sorted(SETTINGS.glob("*.py")):
        names |= names_read(path.read_text())
    return names


def example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text().splitlines()


def example_names() -> list[str]:
    return [m.group(1) for line in example_lines() if (m := ASSIGNMENT.match(line))]


def test_the_scanner_sees_every_way_of_reading():
    source = (
        'env("A"); env_bool("B", True); env_list("C"); os.environ.get("D"); os.environ["E"]; '
        'os.getenv("F"); os.environ.setdefault("G", "x"); "H" in os.environ; env(name)'
    )
    assert names_read(source) == set("ABCDEFGH")


def test_the_settings_read_a_good_many_variables():
    # guards the scanner: a change that hid every read would make both tests below vacuous
    reads = settings_reads()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "EMAIL_URL", "EMAIL_HOST"} <= reads
    assert len(reads) > 50


def test_every_variable_the_settings_read_is_in_env_example():
    missing = sorted(settings_reads() - set(example_names()))
    assert not missing, f"add to .env.example (with a comment line): {missing}"


def test_every_variable_in_env_example_is_read():
    elsewhere = "\n".join((ROOT / path).read_text() for path in OTHER_READERS)
    unread = [
        name
        for name in example_names()
        if name not in settings_reads() and not re.search(rf"\b{name}\b", elsewhere)
    ]
    assert not unread, f"nothing reads these .env.example variables: {unread}"


def test_each_variable_appears_once_with_a_comment_line_of_its_own():
    names = example_names()
    assert len(names) == len(set(names)), "a variable listed twice"
    lines = example_lines()
    for index, line in enumerate(lines):
        if ASSIGNMENT.match(line):
            before = lines[index - 1] if index else ""
            assert before.startswith("# "), f"{line!r} needs a one-line comment right above it"
            assert not ASSIGNMENT.match(before), f"{line!r} needs a comment of its own above it"


def test_other_readers_exist():
    for path in OTHER_READERS:
        assert Path(ROOT / path).is_file(), path
