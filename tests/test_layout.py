"""The house rules of the layout: the top level, no import cycles, a thin CLI.

* The repository's top level holds exactly the project's parts (``pyproject.toml``,
  ``README.md``, ``derivations/``, ``src/``, ``book/``, ``tests/``, ``.ci/``,
  ``benchmarks/``) besides git's and tools' own files.
* No two nashalign modules import each other, directly or through others
  (every import counted, including function-level ones).
* CLI modules only parse, make one library call and print: they define no
  function beyond ``register``/``build``/``_add_arguments``/``_run``/``run`` and
  small argument helpers.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "nashalign"
DERIVATIONS = ROOT / "derivations"

#: The project's parts at the top level.
PARTS = {"pyproject.toml", "README.md", "derivations", "src", "book", "tests", ".ci", "benchmarks"}
#: What git, the virtualenv, caches and build outputs put there (ignored by git).
TOOLING = {".git", ".gitignore", ".venv", "out", ".hypothesis", ".ruff_cache", ".pytest_cache"}


def _module_files() -> dict[str, Path]:
    files = {}
    for base, prefix in ((SRC, "nashalign"), (DERIVATIONS, "nashalign.derivations")):
        for path in base.rglob("*.py"):
            rel = path.relative_to(base).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            files[".".join([prefix, *parts])] = path
    return files


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """nashalign modules that ``name`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name if is_pkg else name.rsplit(".", 1)[0]
                for _ in range(node.level - 1):
                    base = base.rsplit(".", 1)[0]
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for t in targets:
            if t in known and t != name:
                out.add(t)
    return out


def _graph() -> dict[str, set[str]]:
    files = _module_files()
    known = set(files)
    return {name: _imports(name, path, known) for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _package_imports(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Edges between modules, ignoring a package's ``__init__`` re-exports of its own modules."""
    return {v: {w for w in ws if not w.startswith(v + ".")} for v, ws in graph.items()}


def test_top_level_holds_only_the_project_parts():
    present = {p.name for p in ROOT.iterdir()}
    assert PARTS <= present
    assert present - PARTS - TOOLING == set(), "unexpected top-level entries"


def test_derivations_install_from_the_top_level_folder():
    spec = importlib.util.find_spec("nashalign.derivations")
    assert spec is not None and Path(spec.origin).resolve() == DERIVATIONS / "__init__.py"


def test_no_import_cycles():
    graph = _package_imports(_graph())
    assert "nashalign.solvers.simplex_qp" in graph["nashalign.solvers.metrics"]
    assert _cycles(graph) == []


def test_cycle_detector_finds_a_planted_cycle():
    graph = _package_imports(_graph())
    graph["nashalign.solvers.simplex_qp"] = graph["nashalign.solvers.simplex_qp"] | {
        "nashalign.solvers.metrics"
    }
    assert ["nashalign.solvers.metrics", "nashalign.solvers.simplex_qp"] in _cycles(graph)


#: The layers, lowest first: a module may import its own layer and those below, never
#: one above. ``nashalign`` itself (the package's lazy facade) is imported by no module.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "core",
        (
            "nashalign.errors",
            "nashalign.version",
            "nashalign.validation",
            "nashalign.io",
            "nashalign.executors",
            "nashalign.jsonformat",
            "nashalign.tables",
            "nashalign.model",
            "nashalign.instance",
        ),
    ),
    ("symbolic", ("nashalign.symbolic",)),
    (
        "mathematics",
        ("nashalign.derivations", "nashalign.exact", "nashalign.solvers", "nashalign.scoring"),
    ),
    ("studies", ("nashalign.studies", "nashalign.testing")),
    ("figures", ("nashalign.figures",)),
    ("publish", ("nashalign.publish",)),
    ("cli", ("nashalign.cli", "nashalign.__main__")),
)


def _layer(module: str) -> int:
    """Index in :data:`LAYERS` of the longest prefix that names ``module``'s package."""
    best = (-1, -1)
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best[1]:
                best = (i, len(p))
    return best[0]


def _upward_imports(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, deps in sorted(graph.items()):
        if mod == "nashalign":
            continue
        for dep in sorted(deps):
            if dep == "nashalign":
                out.append(f"{mod} imports the package facade nashalign")
            elif _layer(dep) > _layer(mod):
                out.append(
                    f"{mod} [{LAYERS[_layer(mod)][0]}] imports {dep} [{LAYERS[_layer(dep)][0]}]"
                )
    return out


def test_every_module_has_a_layer():
    assert [m for m in _graph() if m != "nashalign" and _layer(m) < 0] == []


def test_layers_only_point_down():
    assert _upward_imports(_graph()) == []


def test_layer_check_finds_a_planted_upward_import():
    graph = _graph()
    graph["nashalign.solvers.metrics"] = graph["nashalign.solvers.metrics"] | {
        "nashalign.publish.render"
    }
    graph["nashalign.io"] = graph["nashalign.io"] | {"nashalign"}
    found = _upward_imports(graph)
    assert (
        "nashalign.solvers.metrics [mathematics] imports nashalign.publish.render [publish]"
        in found
    )
    assert "nashalign.io imports the package facade nashalign" in found


def _private_cross_package_imports() -> list[str]:
    """``from nashalign.x.y import _name`` where the importer lives outside package x.y's parent."""
    out = []
    for name, path in _module_files().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                if not node.module.startswith("nashalign."):
                    continue
                home = node.module.rsplit(".", 1)[0] if node.module.count(".") > 1 else node.module
                if name == home or name.startswith(home + "."):
                    continue
                out += [
                    f"{name}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    return out


def test_no_private_name_is_imported_across_packages():
    assert _private_cross_package_imports() == []


ALLOWED_CLI_FUNCTIONS = {"register", "build", "_add_arguments", "_run", "run", "entry", "main"}


@pytest.mark.parametrize("path", sorted((SRC / "cli").glob("*_cmd.py")), ids=lambda p: p.stem)
def test_cli_modules_only_parse_call_and_print(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    funcs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    helpers = funcs - ALLOWED_CLI_FUNCTIONS
    # Small argparse type converters (``_positive_int``) are parsing, not logic.
    assert all(h.startswith("_") and len(_body_lines(tree, h)) <= 12 for h in helpers), helpers
    assert classes == []


def _body_lines(tree: ast.Module, name: str) -> range:
    (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return range(node.lineno, node.end_lineno + 1)


LONG_RUNNING = ("book", "demo", "estimate", "figures", "verify")


@pytest.mark.parametrize("command", LONG_RUNNING)
def test_long_running_commands_share_one_set_of_progress_flags(command):
    from nashalign.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    options = {s for a in sub.choices[command]._actions for s in a.option_strings}
    assert {"--progress", "--no-progress", "--quiet"} <= options, command


def test_the_developer_chapter_names_only_existing_objects():
    import importlib
    import re

    text = (ROOT / "book" / "developer.md").read_text(encoding="utf-8")
    names = {n for n in re.findall(r"`(nashalign\.[\w.]+)", text) if not n.endswith("_")}
    assert len(names) > 20
    for name in sorted(names):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
                break
            except ImportError:
                continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)  # AttributeError names the stale entry
    for path in re.findall(r"`(derivations/[\w/.]+\.(?:py|json))`", text):
        assert (ROOT / path).is_file(), path
