"""The house's rooms and doors: which folder may import which, what each leaves unloaded, no circles.

The arrows are the README's: bot → dialogs → cards → store → documents (each may also use any folder
further along). documents/ is the committee's paper and knows nothing of a database or Teams; cards/
are pure functions of read models; store/ is the record and knows nothing of Teams. understanding/
(what a question asks) sits beside documents/: bot and dialogs use it, and it knows only documents/,
no database and no Teams. page/ (the committee's web page and the public tracker: its templates and
stylesheet) sits between bot and cards: bot serves it, and it draws the store's read models with the
cards' grade colours, knowing nothing of Teams or of the web server.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("bot", "dialogs", "page", "cards", "store", "understanding", "documents")
MAY_IMPORT = {
    "bot": {"bot", "dialogs", "page", "cards", "store", "understanding", "documents"},
    "page": {"page", "cards", "store", "documents"},
    "dialogs": {"dialogs", "cards", "store", "understanding", "documents"},
    "cards": {"cards", "store", "documents"},
    "store": {"store", "documents"},
    "understanding": {"understanding", "documents"},
    "documents": {"documents"},
}
# Loaded by importing every module of the folder, whatever the path: a direct import or one through
# another folder both count.
NEVER_LOADED = {
    "documents": ("sqlalchemy", "botbuilder", "aiohttp"),
    "cards": ("sqlalchemy", "botbuilder", "aiohttp"),
    "store": ("botbuilder", "aiohttp"),
    "page": ("botbuilder", "aiohttp"),
    "understanding": ("sqlalchemy", "botbuilder", "aiohttp", "pydantic"),
}
# Alembic's scripts run inside Alembic, not on import.
NOT_IMPORTED_ALONE = ("store.migrations",)
LONGEST_FILE = 600


def modules(folder: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported(name: str, path: Path) -> Iterator[str]:
    """Every module `name` imports, at the top or inside a function, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            yield base
            # `from cards import messages` imports the module cards.messages.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def first_party_graph() -> dict[str, set[str]]:
    every = {name: path for folder in FOLDERS for name, path in modules(folder).items()}
    return {
        name: {target for target in imported(name, path) if target in every and target != name}
        for name, path in every.items()
    }


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_folder_imports_only_the_folders_it_may(folder: str) -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, path in modules(folder).items()
        for target in imported(name, path)
        if target.split(".")[0] in FOLDERS and target.split(".")[0] not in MAY_IMPORT[folder]
    )
    assert not wrong, wrong


@pytest.mark.parametrize("folder", sorted(NEVER_LOADED))
def test_a_folder_loads_no_library_it_must_not_know(folder: str) -> None:
    names = [name for name in modules(folder) if not name.startswith(NOT_IMPORTED_ALONE)]
    # A fresh interpreter: this one has loaded everything already.
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    banned = NEVER_LOADED[folder]
    found = sorted({module.split(".")[0] for module in loaded if module.split(".")[0] in banned})
    assert not found, f"importing {folder}/ loads {found}"


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = first_party_graph()
    # Tarjan's strongly connected components: any with two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert not circles, circles


def test_no_file_outside_the_tests_is_over_600_lines() -> None:
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines} lines"
        for folder in (*FOLDERS, "bench")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > LONGEST_FILE
    )
    assert not long, long
