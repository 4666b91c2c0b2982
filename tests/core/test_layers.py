"""The core's layers, read from its imports: a wrong-way dependency or a cycle fails here.

Layers, bottom up: the model and data files at the top of ``seq2seq_core`` (with
``tasks/``), then ``search/``, then ``inside/``, then ``server/``; training and evaluation
sit beside the model and may use ``search``. Rules:

* a model file imports no subpackage (``search``, ``inside``, ``server``) and no task
  registry; ``tasks/`` imports only model files;
* ``search`` imports only the model layer; ``inside`` may add ``search`` and the tasks
  (a task's generator knows its gold alignment);
* ``train`` imports no task registry and no ``inside`` module;
* nothing imports ``server`` except ``cli`` (and the app);
* ``server/limits`` imports no task;
* no module imports the core's package ``__init__`` files from inside, and there are no
  import cycles between modules (imports under ``TYPE_CHECKING`` name types only and
  are not counted).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "seq2seq_core"
SUBPACKAGES = ("search", "inside", "server")
TRAINING = {"train", "evaluate", "resume", "zoo", "cli", "__main__", "__init__"}


def module_name(path: Path) -> str:
    rel = path.relative_to(CORE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(path: Path) -> set[str]:
    """Core modules ``path`` imports at run time (not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text())
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and _type_checking(node) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("seq2seq_core"):
            for alias in node.names:  # "from seq2seq_core import normalize" is a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if (CORE.parent / (sub.replace(".", "/") + ".py")).exists()
                          else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("seq2seq_core")}
    return found


GRAPH = {module_name(p): imports_of(p) for p in CORE.rglob("*.py")}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in SUBPACKAGES:
        return parts[1]
    if len(parts) > 1 and parts[1] == "tasks":
        return "tasks"
    if len(parts) > 1 and parts[1] in TRAINING or module == "seq2seq_core":
        return "training"
    return "model"


def wrong_way(module: str, target: str) -> str | None:
    """Why ``module`` must not import ``target``, or None if it may."""
    src, dst = layer(module), layer(target)
    allowed = {"model": {"model"}, "tasks": {"model", "tasks"},
               "search": {"model", "search"},
               "inside": {"model", "tasks", "search", "inside"},  # gold alignments
               "training": {"model", "tasks", "search", "inside", "training", "server"},
               "server": {"model", "tasks", "search", "inside", "training", "server"}}
    if dst not in allowed[src]:
        return f"the {src} layer imports the {dst} layer"
    if dst == "server" and src != "server" and module not in ("seq2seq_core.cli",):
        return "only cli (and the app) import server"
    if module == "seq2seq_core.train" and dst in ("tasks", "inside") and \
            target != "seq2seq_core.tasks.base":
        return "train imports a task registry or an analysis module"
    if module == "seq2seq_core.server.limits" and dst == "tasks":
        return "limits imports a task"
    if module == "seq2seq_core.train" and target == "seq2seq_core.tasks":
        return "train imports the task registry"
    return None


def test_the_graph_covers_the_core():
    assert {"seq2seq_core.search.beam", "seq2seq_core.inside.trace",
            "seq2seq_core.server.registry", "seq2seq_core.model"} <= set(GRAPH)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_wrong_way_import(module):
    problems = [f"{module} -> {t}: {why}" for t in sorted(GRAPH[module])
                if t in GRAPH and (why := wrong_way(module, t))]
    assert problems == []


def test_no_import_cycle():
    def visit(node: str, path: list[str], done: set[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt.startswith(node + ".") or nxt in ("seq2seq_core",):
                continue  # a package importing its own modules to re-export them
            cycle = visit(nxt, path + [node], done)
            if cycle:
                return cycle
        done.add(node)
        return None

    done: set[str] = set()
    for start in sorted(GRAPH):
        assert visit(start, [], done) is None


def test_the_rules_catch_a_wrong_way_import():
    assert wrong_way("seq2seq_core.model", "seq2seq_core.search.beam")
    assert wrong_way("seq2seq_core.search.beam", "seq2seq_core.inside.trace")
    assert wrong_way("seq2seq_core.inside.trace", "seq2seq_core.server.worker")
    assert wrong_way("seq2seq_core.train", "seq2seq_core.inside.alignment")
    assert wrong_way("seq2seq_core.train", "seq2seq_core.tasks")
    assert wrong_way("seq2seq_core.server.limits", "seq2seq_core.tasks.upload")
    assert wrong_way("seq2seq_core.evaluate", "seq2seq_core.server.registry")
    assert wrong_way("seq2seq_core.tasks.dates", "seq2seq_core.search.beam")
    assert wrong_way("seq2seq_core.inside.trace", "seq2seq_core.search.greedy") is None
