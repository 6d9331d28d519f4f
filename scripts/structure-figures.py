"""Structure figures of a ctair checkout: import cycles between modules, in-function imports, the largest module.

    python scripts/structure-figures.py [CHECKOUT]      (default: this checkout)

Reads the source with ``ast`` rather than importing it, so that any checkout (an old commit
unpacked with ``git archive``) can be measured the same way. Imports under ``if TYPE_CHECKING:``
are left out: they are never executed, so they make no cycle at run time.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx

PACKAGES = {"ctair": "ctair", "ctair.loaders": "loaders", "ctair.graph": "graph", "ctair.api": "api"}


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package, directory in PACKAGES.items():
        for path in sorted((root / directory).rglob("*.py")):
            relative = path.relative_to(root / directory).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            if directory == "ctair" and parts and parts[0] in ("loaders", "graph", "api"):
                continue
            found[".".join([package, *parts])] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(n) for child in node.body for n in ast.walk(child))
    return hidden


def imports(name: str, path: Path, known: set[str]) -> tuple[set[str], int]:
    """The ctair modules ``name`` imports, and how many of its import statements are inside a function or class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    in_functions = {
        id(n)
        for scope in ast.walk(tree)
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for child in scope.body
        for n in ast.walk(child)
    }
    targets: set[str] = set()
    nested = 0
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in hidden:
            continue
        if id(node) in in_functions:
            nested += 1
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            module = node.module or ""
            base = (f"{base}.{module}" if module else base) if node.level else module
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
                break
    return targets, nested


def figures(root: Path) -> dict:
    found = modules(root)
    graph = nx.DiGraph()
    nested_by_package: dict[str, int] = {}
    for name, path in found.items():
        targets, nested = imports(name, path, set(found))
        package = next(p for p in sorted(PACKAGES, key=len, reverse=True) if name == p or name.startswith(p + "."))
        nested_by_package[package] = nested_by_package.get(package, 0) + nested
        graph.add_node(name)
        graph.add_edges_from((name, t) for t in targets if not name.startswith(t + "."))  # a package's own __init__
    tangles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    cycles = sum(1 for _ in nx.simple_cycles(graph))
    largest = max(found.items(), key=lambda item: len(item[1].read_text(encoding="utf-8").splitlines()))
    return {
        "modules": len(found),
        "import cycles (simple cycles between modules)": cycles,
        "modules caught in a cycle": sum(len(t) for t in tangles),
        "tangles (strongly connected groups)": tangles,
        "in-function imports": f"{sum(nested_by_package.values())} ({nested_by_package})",
        "largest module": f"{largest[0]} ({len(largest[1].read_text(encoding='utf-8').splitlines())} lines)",
    }


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    for key, value in figures(root).items():
        print(f"{key}: {value}")
