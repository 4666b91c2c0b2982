"""The live comparison's contrast against wall time: fixed context vs attention trained
at once, as Compare's "Train both" runs them (two ``TrainingRun`` threads, one torch
thread each, sharing the machine).

    taskset -c 0 python bench/compare_live.py [--seconds 60] [--min-len 4 --max-len 12]

Prints, at every evaluation of either run, the seconds since Start and both models'
greedy exact match overall and on the longest source lengths (the top quarter of the
length range), then the gap on that bucket at the end. Run it pinned to one core to
measure what one core gives (both runs share it); the defaults of Compare's form come
from this measurement (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seq2seq_core import TrainConfig  # noqa: E402
from seq2seq_core.server.worker import RunSpec, TrainingRun  # noqa: E402


def bucket(event, low: int) -> float:
    rows = [(n, em) for length, n, em in event.by_length if length >= low]
    total = sum(n for n, _ in rows)
    return sum(n * em for n, em in rows) / total if total else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--min-len", type=int, default=4)
    ap.add_argument("--max-len", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--emb", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--eval-size", type=int, default=300)
    args = ap.parse_args()
    torch.set_num_threads(1)
    task = {"min_len": args.min_len, "max_len": args.max_len, "n_heldout": args.eval_size}
    model = {"emb_dim": args.emb, "hidden_dim": args.hidden}
    train = TrainConfig(steps=100_000, batch_size=args.batch, learning_rate=args.lr,
                        eval_every=args.eval_every, eval_size=args.eval_size,
                        max_seconds=args.seconds)
    runs = {name: TrainingRun(RunSpec("reverse", task, {**model, **arch}, train))
            for name, arch in (("attention", {"decoder": "attention"}),
                               ("fixed", {"decoder": "fixed", "fixed_context": "cho"}))}
    low = args.max_len - (args.max_len - args.min_len) // 4
    start = time.perf_counter()
    for run in runs.values():
        run.start()
    seen = {name: 0 for name in runs}
    print(f"reverse {args.min_len}-{args.max_len}, H={args.hidden}, E={args.emb}, lr "
          f"{args.lr}, batch {args.batch}, eval every {args.eval_every} on {args.eval_size}; "
          f"longest bucket: lengths {low}-{args.max_len}")
    while any(r.snapshot().active for r in runs.values()):
        time.sleep(0.5)
        for name, run in runs.items():
            snap = run.snapshot()
            for ev in snap.evals[seen[name]:]:
                print(f"{time.perf_counter() - start:6.1f} s  {name:9s} step {ev.step:5d}  "
                      f"exact match {ev.exact_match:6.1%}  longest {bucket(ev, low):6.1%}",
                      flush=True)
            seen[name] = len(snap.evals)
    final = {name: run.snapshot().evals[-1] for name, run in runs.items()}
    gap = bucket(final["attention"], low) - bucket(final["fixed"], low)
    print(f"after {time.perf_counter() - start:.0f} s: attention - fixed on lengths {low}+ = "
          f"{gap:+.1%} ({final['attention'].step} / {final['fixed'].step} steps)")


if __name__ == "__main__":
    main()
