"""Held-out figures and telling examples of a model, stored beside its checkpoint.

The two contrasts the explorer exists to show, a fixed context vector against attention
and greedy against beam search, need the whole held-out set decoded both ways. That is
done once, when the zoo is built, by ``compute_figures``: every pair's greedy and beam
outputs, whether each is correct (``metrics.is_correct``), and exact match and the task's
metrics by source length. ``save_figures`` writes them to ``heldout.json`` in the model
folder, so a view draws them at once; ``telling_examples`` mines them for the inputs where
beam search and greedy differ, or where a model and its twin (``-fixed`` and
``-attention``) differ, and ``save_examples`` writes those to ``examples.json``: a list of
``{"source", "reference", "kind", "note"}`` objects, kind "greedy-vs-beam" or
"fixed-vs-attention". Any two models of one task compare the same way, with figures
computed live on a sample.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from seq2seq_core.config import DecodeConfig
from seq2seq_core.evaluate import evaluate, source_length
from seq2seq_core.metrics import canonical_references, score
from seq2seq_core.pairs import Pair
from seq2seq_core.trained import TrainedModel

FIGURES, EXAMPLES = "heldout.json", "examples.json"
FORMAT = "seq2seq-explorer-heldout"
STRATEGIES = ("greedy", "beam")
BEAM_SIZE = 5  # the beam width every stored figure and example uses
KINDS = ("greedy-vs-beam", "fixed-vs-attention")


@dataclass(frozen=True)
class PairResult:
    """One held-out pair decoded both ways.

    Attributes:
        source: the source text; references: every correct target, as given.
        length: source length in tokens (the model's own split).
        greedy, beam: the outputs (beam width ``BEAM_SIZE``), as the target vocabulary
            decodes them; greedy_correct, beam_correct: ``metrics.is_correct`` of each.
    """

    source: str
    references: tuple[str, ...]
    length: int
    greedy: str
    beam: str
    greedy_correct: bool
    beam_correct: bool


@dataclass(frozen=True)
class Figures:
    """A model's held-out figures.

    Attributes:
        max_len: the most output tokens each search could write.
        metrics: the task's metric names (``metrics.METRICS``).
        overall: strategy -> {"exact_match": share, metric: value, ...}.
        by_length: strategy -> rows (source length, pairs, exact match share,
            {metric: value}) in length order.
        rows: every pair's ``PairResult`` (or only the telling ones, see ``compute``).
        n: pairs decoded.
    """

    max_len: int
    metrics: tuple[str, ...]
    overall: dict[str, dict[str, float]]
    by_length: dict[str, tuple[tuple[int, int, float, dict[str, float]], ...]]
    rows: tuple[PairResult, ...]
    n: int

    def by_source(self) -> dict[str, PairResult]:
        return {r.source: r for r in self.rows}


def decode_config(strategy: str, max_len: int) -> DecodeConfig:
    """The search settings of the stored figures: greedy, or beam ``BEAM_SIZE``, alpha 0."""
    return DecodeConfig(strategy=strategy, beam_size=BEAM_SIZE, max_len=max_len)


def compute_figures(tm: TrainedModel, pairs: Sequence[Pair],
                    references: Sequence[Sequence[str]], metrics: Sequence[str] = (),
                    keep_rows: bool = True) -> Figures:
    """Decode ``pairs`` greedily and with beam search and gather the figures.

    Args:
        references: per pair, every correct target.
        metrics: task metrics to add overall and per source length.
        keep_rows: keep every pair's row; False keeps only the rows where greedy and
            beam differ (for data that may not be redistributed whole).

    Raises:
        ValueError: no pairs, or references of another length.
    """
    max_len = min(200, 2 * max(len(tm.tgt_vocab.split(r)) for rs in references for r in rs)
                  + 10)
    reports = {s: evaluate(tm, pairs, decode_config(s, max_len), references=references)
               for s in STRATEGIES}
    lengths = [source_length(tm.src_vocab, p) for p in pairs]
    canonical = [canonical_references(tm.tgt_vocab, rs) for rs in references]
    overall, by_length = {}, {}
    for s, report in reports.items():
        overall[s] = {"exact_match": report.exact_match,
                      **(score(metrics, report.predictions, canonical) if metrics else {})}
        rows = []
        for length in sorted(set(lengths)):
            idx = [i for i, n in enumerate(lengths) if n == length]
            preds = [report.predictions[i] for i in idx]
            rows.append((length, len(idx), sum(report.correct[i] for i in idx) / len(idx),
                         score(metrics, preds, [canonical[i] for i in idx]) if metrics
                         else {}))
        by_length[s] = tuple(rows)
    g, b = reports["greedy"], reports["beam"]
    results = tuple(PairResult(p.source, tuple(rs), n, g.predictions[i], b.predictions[i],
                               g.correct[i], b.correct[i])
                    for i, (p, rs, n) in enumerate(zip(pairs, references, lengths))
                    if keep_rows or g.predictions[i] != b.predictions[i])
    return Figures(max_len, tuple(metrics), overall, by_length, results, len(pairs))


def save_figures(folder: str | Path, figures: Figures, credit: str = "") -> Path:
    """Write ``heldout.json`` into ``folder``."""
    data = {"format": FORMAT, "version": 1, "beam_size": BEAM_SIZE, **asdict(figures),
            "credit": credit}
    path = Path(folder) / FIGURES
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    return path


def load_figures(folder: str | Path) -> Figures | None:
    """The figures stored in ``folder``, or None if it has none.

    Raises:
        ValueError: a file that is not this format.
    """
    path = Path(folder) / FIGURES
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT or data.get("version") != 1:
        raise ValueError(f"{path} is not a held-out figures file of this version")
    rows = tuple(PairResult(r["source"], tuple(r["references"]), r["length"], r["greedy"],
                            r["beam"], r["greedy_correct"], r["beam_correct"])
                 for r in data["rows"])
    by_length = {s: tuple((a, b, c, dict(d)) for a, b, c, d in rows_)
                 for s, rows_ in data["by_length"].items()}
    return Figures(data["max_len"], tuple(data["metrics"]), data["overall"], by_length, rows,
                   data["n"])


def _first_reference(row: PairResult) -> str:
    return row.references[0] if row.references else ""


def telling_examples(figures: Figures, twin: Figures | None = None, is_attention: bool = True,
                     most: int = 6) -> list[dict[str, Any]]:
    """Inputs that show a contrast, best first: where beam search's best differs from
    greedy's (the one that matches a reference first), and, given the figures of the
    model's twin (its fixed-context or attention counterpart on the same held-out set),
    where one of the two is right with greedy search and the other wrong.

    Returns:
        Up to ``most`` objects of each kind: {"source", "reference", "kind", "note"}.
    """
    out: list[dict[str, Any]] = []
    differ = [r for r in figures.rows if r.greedy != r.beam]
    differ.sort(key=lambda r: (r.beam_correct == r.greedy_correct, r.length))
    for r in differ[:most]:
        verdict = ("both are correct, with different references"
                   if r.beam_correct and r.greedy_correct
                   else "beam search finds the reference, greedy does not" if r.beam_correct
                   else "greedy finds the reference, beam search does not"
                   if r.greedy_correct else "neither finds the reference")
        out.append({"source": r.source, "reference": _first_reference(r),
                    "kind": "greedy-vs-beam",
                    "note": f"{verdict}: greedy '{r.greedy}', beam {BEAM_SIZE} '{r.beam}'"})
    if twin is None:
        return out
    mine, theirs = figures.by_source(), twin.by_source()
    both = [(mine[s], theirs[s]) for s in mine if s in theirs
            and mine[s].greedy_correct != theirs[s].greedy_correct]
    # attention right and fixed wrong first, the longest first (the bottleneck's mark)
    both.sort(key=lambda ab: ((ab[0].greedy_correct != is_attention), -ab[0].length))
    for a, b in both[:most]:
        att, fix = (a, b) if is_attention else (b, a)
        winner = "attention" if att.greedy_correct else "fixed context"
        out.append({"source": a.source, "reference": _first_reference(a),
                    "kind": "fixed-vs-attention",
                    "note": f"only the {winner} model is right ({a.length} tokens): "
                            f"attention '{att.greedy}', fixed '{fix.greedy}'"})
    return out


def save_examples(folder: str | Path, examples: Sequence[dict[str, Any]]) -> Path:
    """Write ``examples.json`` into ``folder``."""
    path = Path(folder) / EXAMPLES
    path.write_text(json.dumps(list(examples), ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path


def load_examples(folder: str | Path) -> list[dict[str, Any]]:
    """The telling examples stored in ``folder`` ([] if none).

    Raises:
        ValueError: a file that is not a list of such objects.
    """
    path = Path(folder) / EXAMPLES
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = {"source", "reference", "kind", "note"}
    if not isinstance(data, list) or any(not isinstance(e, dict) or set(e) != keys
                                         or e["kind"] not in KINDS for e in data):
        raise ValueError(f"{path}: expected a list of {{source, reference, kind, note}} "
                         f"objects with kind one of {', '.join(KINDS)}")
    return data


def twin_name(name: str) -> str | None:
    """The shipped model's counterpart: "reverse-fixed" <-> "reverse-attention"."""
    for a, b in (("-attention", "-fixed"), ("-fixed", "-attention")):
        if name.endswith(a):
            return name[: -len(a)] + b
    return None
