"""The app's layers, read from its imports (ast, nothing is run).

Rules:
1. Nothing in ``app/ui/charts/`` imports Streamlit (charts are pure builders).
2. Streamlit caches (``st.cache_data``, ``st.cache_resource``) live only in
   ``app/ui/services/``.
3. ``app/ui`` never imports ``app/views`` (views import ui, not the reverse).
4. A chart module imports no other chart module but ``charts.common``.
5. No import cycle among the app's modules.
6. The app reaches the core through its public packages (``seq2seq_core`` and the
   ``__init__`` of ``search``, ``inside``, ``server``, ``tasks``), except the submodules
   listed in ``NOT_EXPORTED_YET`` until the core exports what the app takes from them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
PUBLIC_CORE = {"seq2seq_core", "seq2seq_core.search", "seq2seq_core.inside",
               "seq2seq_core.server", "seq2seq_core.tasks"}
NOT_EXPORTED_YET = {  # submodule -> what the app takes from it
    "seq2seq_core.metrics": "LABELS, PERCENT, canonical_references, is_correct",
    "seq2seq_core.search.sweep": "SweepRow, beam_sweep",
    "seq2seq_core.inside.alignment": "default_slack",
    "seq2seq_core.vocab": "EOS_ID",
    "seq2seq_core.tasks.tatoeba": "parse_manythings",
    "seq2seq_core.tasks.digits": "compose_digits",
    "seq2seq_core.attention": "SCORES",
    "seq2seq_core.cells": "CELLS",
    "seq2seq_core.decoders": "DECODERS, FIXED_CONTEXTS",
    "seq2seq_core.zoo": "BEAM_SIZE, KINDS, decode_config",
}
CACHES = {"cache_data", "cache_resource"}


def module_name(path: Path) -> str:
    """app/ui/charts/beam.py -> "ui.charts.beam"; app/views/decode.py -> "views.decode"."""
    parts = list(path.relative_to(APP).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "main"


def app_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(APP.rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path]) -> list[str]:
    """Every module ``path`` imports; ``from pkg import name`` counts ``pkg.name`` when
    that is a module of the app."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" in modules]
    return out


def cache_decorators(path: Path) -> list[str]:
    """``name:line`` of each function decorated with a Streamlit cache."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr in CACHES:
                    found.append(f"{node.name}:{node.lineno}")
    return found


MODULES = app_modules()
GRAPH = {name: imports_of(path, MODULES) for name, path in MODULES.items()}


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_walk_sees_the_layers():
    assert {"ui.charts.beam", "ui.services.decode", "ui.widgets.sidebar", "views.decode",
            "ui.state", "main"} <= set(MODULES)


@pytest.mark.parametrize("name", [n for n in MODULES if under(n, "ui.charts")])
def test_charts_never_import_streamlit(name):
    assert not [m for m in GRAPH[name] if under(m, "streamlit")], name


SHARED_CHARTS = {"ui.charts.common", "ui.charts.label_place"}  # building blocks, no figures


@pytest.mark.parametrize("name", [n for n in MODULES if under(n, "ui.charts")])
def test_chart_modules_import_only_the_common_charts_module(name):
    others = [m for m in GRAPH[name] if under(m, "ui.charts") and m not in SHARED_CHARTS]
    assert name == "ui.charts" or not others, (name, others)


def test_streamlit_caches_live_only_in_services():
    found = {name: cache_decorators(path) for name, path in MODULES.items()
             if not under(name, "ui.services")}
    assert not {k: v for k, v in found.items() if v}
    assert cache_decorators(MODULES["ui.services.decode"])  # the walk finds them


def test_ui_never_imports_views():
    wrong = {n: [m for m in GRAPH[n] if under(m, "views")] for n in MODULES if under(n, "ui")}
    assert not {k: v for k, v in wrong.items() if v}


def test_the_app_reaches_the_core_through_public_names():
    used = {m for deps in GRAPH.values() for m in deps if under(m, "seq2seq_core")}
    private = used - PUBLIC_CORE - set(NOT_EXPORTED_YET)
    assert not private, sorted(private)
    assert set(NOT_EXPORTED_YET) <= used, "exported now? drop it: " + str(
        sorted(set(NOT_EXPORTED_YET) - used))


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle among the graph's nodes (edges to unknown nodes ignored), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph or nxt == node:
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in graph:
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycle():
    # A package's __init__ imports its modules; a module importing its package's own
    # __init__ back is the package import Python does anyway, so those edges are left out.
    graph = {n: [m for m in deps if not (under(n, m) and MODULES[m].name == "__init__.py")]
             for n, deps in GRAPH.items()}
    assert find_cycle(graph) is None, find_cycle(graph)


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": []}) is None
