"""Queries on a finished search that ``BeamTree`` does not answer yet.

Pure functions over core types (no Streamlit, no plotly). They belong with ``BeamTree``
in ``seq2seq_core/search/tree.py`` and live here only until they move there; what
``BeamTree`` already answers (``path``, ``at_step``, ``children``) is used as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from seq2seq_core import BeamNode, BeamTree, Hypothesis


def children_of(tree: BeamTree) -> dict[int, list[BeamNode]]:
    """Node id -> its children, best rank first (one pass; ``BeamTree.children`` scans
    every node per call)."""
    kids: dict[int, list[BeamNode]] = {n.id: [] for n in tree.nodes}
    for node in tree.nodes:
        if node.parent is not None:
            kids[node.parent].append(node)
    return {k: sorted(v, key=lambda n: n.rank) for k, v in kids.items()}


def path_through(tree: BeamTree, token_ids: Sequence[int]) -> list[int]:
    """Node ids from the root following ``token_ids`` as far as the tree recorded them.

    Example: greedy's ids [a, b] where the tree kept root -> a but pruned a -> b before
    recording it give [0, id of a]: greedy left the recorded tree after one token.
    """
    kids, path = children_of(tree), [0]
    for tok in token_ids:
        nxt = next((c for c in kids[path[-1]] if c.token_id == tok), None)
        if nxt is None:
            break
        path.append(nxt.id)
    return path


def divergence_step(best: Hypothesis, greedy: Hypothesis) -> int | None:
    """The step after which greedy and beam choose differently (None if they agree).

    Example: best "1936" vs greedy "1963" share 2 tokens -> 2 (the node at step 2).
    """
    a, b = list(best.token_ids), list(greedy.token_ids)
    if a == b:
        return None
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return common


def fell_short(tree: BeamTree) -> dict[int, float | None]:
    """Pruned node id -> nats below the lowest score kept at its step (None: none kept)."""
    lowest: dict[int, float] = {}
    for n in tree.nodes:
        if n.status == "kept":
            lowest[n.step] = min(lowest.get(n.step, n.score), n.score)
    return {n.id: (lowest[n.step] - n.score if n.step in lowest else None)
            for n in tree.nodes if n.status == "pruned"}


def beam_positions(tree: BeamTree) -> dict[int, int]:
    """Kept node id -> its 1-based position in the beam at its step (by score)."""
    out: dict[int, int] = {}
    for step in range(1, tree.num_steps + 1):
        kept = sorted((n for n in tree.at_step(step) if n.status == "kept"),
                      key=lambda n: -n.score)
        out.update({n.id: i + 1 for i, n in enumerate(kept)})
    return out


def prefix_ids(tree: BeamTree, node_id: int) -> tuple[int, ...]:
    """The output token ids from the first step up to and including ``node_id``."""
    return tuple(n.token_id for n in tree.path(node_id)[1:])
