"""Search results as plain data: the whole beam-search tree and its hypotheses.

No tensors live here, so results pickle, serialise to JSON and compare exactly in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

NodeStatus = Literal["root", "forced", "kept", "pruned", "finished"]


def length_penalty(length: int, alpha: float) -> float:
    """GNMT length penalty lp(Y) = ((5 + |Y|) / (5 + 1)) ** alpha (Wu et al. 2016, eq. 14).

    A hypothesis is ranked by log P(Y|X) / lp(Y); alpha = 0 gives lp = 1 (raw score).
    Example: length_penalty(7, 1.0) == 2.0; length_penalty(7, 0.0) == 1.0.
    """
    return ((5.0 + length) / 6.0) ** alpha


@dataclass(frozen=True)
class BeamNode:
    """One candidate the search considered.

    Attributes:
        id: index in ``BeamTree.nodes``; the root (BOS) is 0.
        parent: id of the node this one extends; None for the root.
        step: output position that produced ``token`` (1 for the first token; root 0).
        token_id: target vocabulary id; token: its text.
        log_prob: natural-log probability of ``token`` given its prefix.
        score: cumulative natural-log probability of the prefix ending here.
        status: "root"; "forced" (a prefix token the user imposed); "kept" (in the
            beam after this step); "pruned" (considered, outside the beam); "finished"
            (EOS inside the beam's top K).
        rank: position among this step's candidates sorted by score (0 = best).
        attention: attention weights (S,) used to predict ``token``, or None.
    """

    id: int
    parent: int | None
    step: int
    token_id: int
    token: str
    log_prob: float
    score: float
    status: NodeStatus
    rank: int
    attention: tuple[float, ...] | None


@dataclass(frozen=True)
class Hypothesis:
    """A complete output.

    Attributes:
        tokens, token_ids, log_probs: per output token (EOS included when ``finished``),
            log_probs as natural-log probabilities.
        text: the output text, without EOS.
        score: sum of ``log_probs`` (natural-log probability of the whole output).
        normalized_score: ``score / length_penalty(len(token_ids), alpha)``.
        finished: True if it ended with EOS, False if it stopped at max length.
        leaf_id: the tree node of its last token (-1 when no tree was recorded).
        attention: per output token, the weights (S,) over source tokens, or None.
    """

    tokens: tuple[str, ...]
    token_ids: tuple[int, ...]
    log_probs: tuple[float, ...]
    text: str
    score: float
    normalized_score: float
    finished: bool
    leaf_id: int
    attention: tuple[tuple[float, ...], ...] | None


@dataclass(frozen=True)
class BeamTree:
    """Every node of a search, in creation order (``nodes[i].id == i``)."""

    source_tokens: tuple[str, ...]
    beam_size: int
    nodes: tuple[BeamNode, ...]

    def children(self, node_id: int) -> list[BeamNode]:
        """The nodes that extend ``node_id``, best rank first."""
        return self.children_of().get(node_id, [])

    def children_of(self) -> dict[int, list[BeamNode]]:
        """Node id -> its children, best rank first (one pass over the nodes)."""
        kids: dict[int, list[BeamNode]] = {n.id: [] for n in self.nodes}
        for node in self.nodes:
            if node.parent is not None:
                kids[node.parent].append(node)
        return {k: sorted(v, key=lambda n: n.rank) for k, v in kids.items()}

    def path_through(self, token_ids: Sequence[int]) -> list[int]:
        """Node ids from the root following ``token_ids`` as far as the tree recorded them.

        Example: greedy's ids [a, b] where the tree kept root -> a but pruned a -> b
        before recording it give [0, id of a]: greedy left the recorded tree after one
        token.
        """
        kids, path = self.children_of(), [0]
        for tok in token_ids:
            nxt = next((c for c in kids[path[-1]] if c.token_id == tok), None)
            if nxt is None:
                break
            path.append(nxt.id)
        return path

    def prefix_ids(self, node_id: int) -> tuple[int, ...]:
        """The output token ids from the first step up to and including ``node_id``."""
        return tuple(n.token_id for n in self.path(node_id)[1:])

    def fell_short(self) -> dict[int, float | None]:
        """Pruned node id -> nats below the lowest score kept at its step (None: none
        was kept at that step)."""
        lowest: dict[int, float] = {}
        for n in self.nodes:
            if n.status == "kept":
                lowest[n.step] = min(lowest.get(n.step, n.score), n.score)
        return {n.id: (lowest[n.step] - n.score if n.step in lowest else None)
                for n in self.nodes if n.status == "pruned"}

    def beam_positions(self) -> dict[int, int]:
        """Kept node id -> its 1-based position in the beam at its step (by score)."""
        out: dict[int, int] = {}
        for step in range(1, self.num_steps + 1):
            kept = sorted((n for n in self.at_step(step) if n.status == "kept"),
                          key=lambda n: -n.score)
            out.update({n.id: i + 1 for i, n in enumerate(kept)})
        return out

    def path(self, node_id: int) -> list[BeamNode]:
        """Nodes from the root to ``node_id`` by following parents.

        Example: in a tree root(0) -> a(1) -> b(3), path(3) is [root, a, b].
        """
        out = []
        node: BeamNode | None = self.nodes[node_id]
        while node is not None:
            out.append(node)
            node = None if node.parent is None else self.nodes[node.parent]
        return out[::-1]

    def at_step(self, step: int) -> list[BeamNode]:
        return [n for n in self.nodes if n.step == step]

    def finished(self) -> list[BeamNode]:
        return [n for n in self.nodes if n.status == "finished"]

    @property
    def num_steps(self) -> int:
        return max(n.step for n in self.nodes)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per node, for pandas or JSON."""
        return [asdict(n) for n in self.nodes]


def divergence_step(best: Hypothesis, greedy: Hypothesis) -> int | None:
    """The step after which two outputs choose differently (None if they agree).

    Example: best "1936" vs greedy "1963" share 2 tokens -> 2 (the node at step 2).
    """
    a, b = list(best.token_ids), list(greedy.token_ids)
    if a == b:
        return None
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return common


@dataclass(frozen=True)
class SearchResult:
    """Hypotheses, best first, and the tree that produced them (None if not recorded)."""

    strategy: str
    hypotheses: tuple[Hypothesis, ...]
    tree: BeamTree | None

    @property
    def best(self) -> Hypothesis:
        return self.hypotheses[0]

    def to_dict(self) -> dict[str, Any]:
        tree = None if self.tree is None else {
            "source_tokens": list(self.tree.source_tokens), "beam_size": self.tree.beam_size,
            "nodes": self.tree.to_records()}
        return {"strategy": self.strategy,
                "hypotheses": [asdict(h) for h in self.hypotheses], "tree": tree}
