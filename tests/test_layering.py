"""Layers and imports: no cycles, a data layer and regions free of the model, light imports.

Layers, from the bottom: the data layer (:mod:`zorgcap.forecast.errors`,
:mod:`zorgcap.forecast.schema`, :mod:`zorgcap.forecast.io`), :mod:`zorgcap.regions`, the model
(the other modules of ``zorgcap.forecast``), and :mod:`zorgcap.reports`. A module may import from
its own layer and the layers below it. The import graph is read statically with :mod:`ast` from
the source, counting imports inside functions too: an import moved into a function to dodge a
cycle is still a cycle. The folders ``forecast/``, ``regions/`` and ``reports/`` are the
subpackages ``zorgcap.forecast``, ``zorgcap.regions`` and ``zorgcap.reports`` (package-dir in
pyproject.toml); the old top-level names are imported nowhere.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("forecast", "regions", "reports")  # folders, the subpackages zorgcap.<folder>
DATA_LAYER = ("zorgcap.forecast.errors", "zorgcap.forecast.schema", "zorgcap.forecast.io")
OLD_NAMES = ("forecast", "regions", "reports", "data_raw")  # the former top-level names

# Pairs of modules allowed to import each other while a change that removes the cycle is
# under way (empty: demand <-> reconcile/gap/decompose went with the modelchain change).
KNOWN_CYCLES: set[frozenset] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["zorgcap", *parts] if parts[:1] != ["zorgcap"] else parts)


def _modules() -> dict[str, Path]:
    files = [ROOT / "zorgcap" / "__init__.py"]
    files += [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return {_module_name(p): p for p in files}


def _imports(name: str, source: str, known: set[str], is_package: bool = False) -> set[str]:
    """Project modules that module ``name`` imports anywhere in ``source`` (also inside
    functions).

    ``from X import Y`` counts as an import of ``X.Y`` where that is a module, else of ``X``.
    The parent packages Python initialises on the way are not counted: a package's
    ``__init__`` is a module of its own, with its own edges.
    """
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module
            targets = [f"{origin}.{a.name}" if f"{origin}.{a.name}" in known else origin
                       for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path.read_text(encoding="utf-8"), known,
                           is_package=path.name == "__init__.py")
            for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_imports_inside_functions_and_finds_cycles():
    known = {"pkg", "pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c"}
    source = ("import numpy\nfrom . import b\n"
              "def f():\n    from .sub.c import thing\n    import pkg.sub\n")
    assert _imports("pkg.a", source, known) == {"pkg.b", "pkg.sub.c", "pkg.sub"}
    assert _imports("pkg.sub", "from .. import a\nfrom . import c", known,
                    is_package=True) == {"pkg.a", "pkg.sub.c"}
    graph = {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.sub.c"}, "pkg.sub.c": {"pkg.a"},
             "pkg.sub": set(), "pkg": {"pkg.a"}}
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    # and on the project: stochastic's import of the shared cohort step
    assert "zorgcap.forecast.cohort" in import_graph()["zorgcap.forecast.stochastic"]


def test_no_import_cycles():
    graph = import_graph()
    for pair in KNOWN_CYCLES:  # drop the known edges, then look for any cycle left
        a, b = sorted(pair)
        if b in graph[a] and a in graph[b]:
            graph[a].discard(b)
            graph[b].discard(a)
    cycles = _cycles(graph)
    assert not cycles, f"import cycles (count imports inside functions too): {cycles}"


def _in_model(target: str) -> bool:
    """Whether ``target`` is model code (or reports): not the data layer nor regions."""
    if target in ("zorgcap", "zorgcap.forecast"):  # the packages: lazy names of every layer
        return True
    return not (target.startswith(("zorgcap.regions",))
                or any(target == d or target.startswith(d + ".") for d in DATA_LAYER))


@pytest.mark.parametrize("layer", ["data", "regions"])
def test_data_layer_and_regions_import_nothing_of_the_model(layer):
    graph = import_graph()
    if layer == "data":
        members = [m for m in graph if any(m == d or m.startswith(d + ".") for d in DATA_LAYER)]
    else:
        members = [m for m in graph
                   if m == "zorgcap.regions" or m.startswith("zorgcap.regions.")]
    assert members
    bad = {m: sorted(t for t in graph[m] if _in_model(t)
                     or (layer == "data" and t.startswith("zorgcap.regions")))
           for m in members}
    bad = {m: t for m, t in bad.items() if t}
    assert not bad, f"{layer} modules import from higher layers: {bad}"


def test_the_command_line_is_the_top_layer():
    # issue 29: zorgcap.forecast.cli may import the reports and the model; no module imports
    # the command line (reports draw a ChainResult and never reach back into it), and no
    # model module imports the reports (the chain returns frames; drawing is reports' job).
    graph = import_graph()
    cli = "zorgcap.forecast.cli"
    assert "zorgcap.reports.build" in graph[cli]  # the check sees the cli's own imports
    importers = sorted(m for m, targets in graph.items() if cli in targets)
    assert not importers, f"modules import {cli}: {importers}"
    reports = [m for m in graph if m == "zorgcap.reports" or m.startswith("zorgcap.reports.")]
    model = {m: sorted(t for t in graph[m] if t in reports) for m in graph
             if m.startswith("zorgcap.forecast") and m != cli}
    model = {m: t for m, t in model.items() if t}
    assert not model, f"model modules import the reports: {model}"


def test_package_init_imports_nothing_eagerly():
    # zorgcap/__init__, forecast/__init__ and regions/__init__ give their names lazily (PEP
    # 562): importing zorgcap.forecast.errors runs zorgcap/__init__ and forecast/__init__,
    # which must not pull in the model (zorgcap only takes __version__ from forecast).
    graph = import_graph()
    assert graph["zorgcap.forecast"] == set() and graph["zorgcap.regions"] == set()
    assert graph["zorgcap"] == {"zorgcap.forecast"}


def test_no_import_of_the_old_top_level_names():
    # forecast, regions, reports, data_raw are subpackages of zorgcap: an absolute import of
    # the old names works in a checkout (the root is on sys.path) but not from the wheel.
    files = [*_modules().values(), *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "benchmarks").rglob("*.py")), ROOT / "docs" / "conf.py",
             *sorted((ROOT / "docs" / "_ext").glob("*.py")),
             *sorted((ROOT / "docs" / "examples").glob("*.py"))]
    bad = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            bad += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names
                    if n.split(".")[0] in OLD_NAMES]
    assert not bad, "import zorgcap.<name> instead:\n" + "\n".join(bad)


#: No function in forecast/, regions/, reports/ is longer than this (issue 29: a long function
#: mixes validation, arithmetic and prose; split it into helpers named after what they do).
MAX_FUNCTION_LINES = 120


def _long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """Functions and methods of ``source`` longer than ``limit`` lines: ``(name, first line,
    lines)``, counted from the first decorator to the last line of the body (docstring
    included)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = node.end_lineno - first + 1
            if lines > limit:
                out.append((node.name, first, lines))
    return out


def test_the_length_check_counts_lines_of_functions_and_methods():
    body = "    x = 1\n" * 130
    source = ("def short():\n    pass\n\n\n@decorated\ndef long():\n" + body
              + "\n\nclass C:\n    def method(self):\n" + "    " + body.replace("\n", "\n    "))
    assert _long_functions(source) == [("long", 5, 132), ("method", 140, 131)]
    assert _long_functions("def f():\n" + "    x = 1\n" * 119) == []  # 120 lines: allowed


def test_no_function_is_longer_than_120_lines():
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    long = [f"{path.relative_to(ROOT)}:{first}: {name} ({lines} lines)"
            for path in files for name, first, lines in _long_functions(
                path.read_text(encoding="utf-8"))]
    assert not long, (f"functions longer than {MAX_FUNCTION_LINES} lines (split them into "
                      "helpers named after what they do):\n" + "\n".join(long))


HEAVY = ("geopandas", "statsmodels", "matplotlib", "zorgcap.forecast.demand",
         "zorgcap.forecast.population", "zorgcap.reports")


@pytest.mark.parametrize("module", ["zorgcap.regions.codes", "zorgcap.regions.mapping",
                                    "zorgcap.forecast.errors", "zorgcap.forecast.io",
                                    "zorgcap.forecast.schema", "zorgcap.forecast", "zorgcap"])
def test_light_imports_load_no_model_and_no_heavy_library(module):
    code = (f"import json, sys; import {module}; "
            f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == [], f"import {module} loads {out.stdout.strip()}"


def test_lazy_public_names_still_resolve():
    # the function decompose lives in the module decomposition: after the module is imported
    # (which binds it on the package) the public name is still the function.
    code = ("import zorgcap.forecast.decomposition; from zorgcap import forecast, regions; "
            "from zorgcap.forecast import decompose; import zorgcap; "
            "print(forecast.project_demand.__module__, forecast.InputError.__module__, "
            "regions.gemeenten.__module__, regions.RD_NEW, forecast.demand.__name__, "
            "type(decompose).__name__, type(forecast.decompose).__name__, "
            "zorgcap.decompose is decompose, zorgcap.ChainConfig.__module__, "
            "zorgcap.render.__module__, zorgcap.regions is regions, zorgcap.__version__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["zorgcap.forecast.demand", "zorgcap.forecast.errors",
                                  "zorgcap.regions.mapping", "EPSG:28992",
                                  "zorgcap.forecast.demand", "function", "function", "True",
                                  "zorgcap.forecast.config", "zorgcap.reports.build",
                                  "True", forecast_version()]


def forecast_version() -> str:
    import zorgcap.forecast

    return zorgcap.forecast.__version__
