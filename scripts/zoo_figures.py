"""Held-out figures and telling examples of every shipped model (no training).

    python scripts/zoo_figures.py                    # every model in pretrained/
    python scripts/zoo_figures.py reverse-attention reverse-fixed

For each model: its task's held-out set (the recipe's seed and options, at most 1,000
pairs) decoded greedily and with beam 5 (``seq2seq_core.zoo.compute_figures``), written to
``heldout.json``; then, with its twin's figures, the telling examples
(``zoo.telling_examples``) written to ``examples.json``. Translation files keep only the
rows that differ or are examples (the Tatoeba corpus itself is never stored), with its
credit. ``scripts/train_pretrained.py`` runs this after training; tests/core/
test_zoo_figures.py checks the stored files against a fresh computation.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seq2seq_core import load, make_task  # noqa: E402
from seq2seq_core.tasks import TASKS  # noqa: E402
from seq2seq_core.tasks.translation import CREDIT  # noqa: E402
from seq2seq_core.zoo import (  # noqa: E402
    compute_figures,
    save_examples,
    save_figures,
    telling_examples,
    twin_name,
)

MAX_PAIRS = 1000
TRANSLATION_ROWS = 120  # rows kept in a translation model's file


def figures_of(recipe):
    tm = load(ROOT / "pretrained" / recipe.name)
    task = make_task(recipe.task, seed=recipe.train.seed, **recipe.task_options)
    pairs = task.heldout[:MAX_PAIRS]
    metrics = [m for m in TASKS[recipe.task].metrics if m != "exact_match"]
    start = time.process_time()
    figs = compute_figures(tm, pairs, [task.references_of(p) for p in pairs], metrics)
    print(f"{recipe.name}: {figs.n} pairs in {time.process_time() - start:.1f} s CPU; "
          f"{figs.overall}", flush=True)
    return figs


def write(recipes) -> None:
    torch.set_num_threads(1)
    by_name = {r.name: r for r in recipes}
    figures = {name: figures_of(r) for name, r in by_name.items()}
    for name, figs in figures.items():
        twin = twin_name(name)
        if twin and twin not in figures and twin in ALL:
            figures[twin] = figures_of(ALL[twin])
    for name, recipe in by_name.items():
        figs = figures[name]
        twin = figures.get(twin_name(name) or "")
        examples = telling_examples(figs, twin, is_attention=name.endswith("-attention"))
        credit = ""
        if recipe.task == "translation":
            wanted = {e["source"] for e in examples}
            rows = ([r for r in figs.rows if r.source in wanted]
                    + [r for r in figs.rows if r.source not in wanted and r.greedy != r.beam])
            figs = dataclasses.replace(figs, rows=tuple(rows[:TRANSLATION_ROWS]))
            credit = CREDIT
        folder = ROOT / "pretrained" / name
        save_figures(folder, figs, credit)
        save_examples(folder, examples)
        full = figures[name]
        differ = sum(r.greedy != r.beam for r in full.rows)
        split = 0 if twin is None else sum(
            1 for r in full.rows if r.source in twin.by_source()
            and r.greedy_correct != twin.by_source()[r.source].greedy_correct)
        print(f"{name}: greedy and beam differ on {differ}, it and its twin disagree on "
              f"{split} of {full.n} held-out inputs; {len(examples)} examples stored",
              flush=True)


from train_pretrained import RECIPES  # noqa: E402

ALL = {r.name: r for r in RECIPES}

if __name__ == "__main__":
    wanted = set(sys.argv[1:]) or set(ALL)
    unknown = wanted - set(ALL)
    if unknown:
        raise SystemExit(f"unknown model(s) {', '.join(sorted(unknown))}")
    write([ALL[n] for n in ALL if n in wanted])
