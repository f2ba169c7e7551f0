"""The imports inside ``styling`` run one way: no module reaches itself through others.

Read from the source (every ``import``, also those inside functions), so a circle hidden in
a function-level import fails here too, before it can bite at start-up order.
"""

from __future__ import annotations

import ast
from pathlib import Path

STYLING = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(STYLING.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in STYLING.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(STYLING).parts)
    }


def _imports(path: Path, known: set[str]) -> set[str]:
    """The ``styling`` modules ``path`` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as a path ``[a, b, ..., a]``, or ``[]`` when there is none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_graph_sees_the_modules_and_their_imports() -> None:
    graph = _graph()
    # the split of the old services module is all there, and its edges are read
    assert {"styling.jobs.state", "styling.jobs.dispatch", "styling.jobs.worker"} <= set(graph)
    assert "styling.jobs.state" in graph["styling.jobs.worker"]
    assert "styling.jobs.dispatch" in graph["styling.jobs.watchdog"]
    assert "styling.gallery" in graph["styling.pages"]


def test_no_import_circle_in_styling() -> None:
    assert _cycle(_graph()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
