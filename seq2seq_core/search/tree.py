"""Search results as plain data: the whole beam-search tree and its hypotheses.

No tensors live here, so results pickle, serialise to JSON and compare exactly in tests.
"""

from __future__ import annotations

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
        return [n for n in self.nodes if n.parent == node_id]

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
