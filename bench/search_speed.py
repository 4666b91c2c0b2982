"""Search speed and quality on a shipped model, one CPU thread.

    python bench/search_speed.py [--model pretrained/dates-attention] [--n 1000] [--no-sweep]

Prints: milliseconds for one traced greedy and beam search (K = 1, 5, 12), median of
repeats; seconds for batched beam search (K = 5) over n held-out inputs against looping
the traced single-input search; and the beam-width sweep with search/model error counts
for the shipped `dates` and `reverse` models (attention and fixed context).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seq2seq_core import (DecodeConfig, beam_search_batch,  # noqa: E402
                          decode_text, load, make_task)
from seq2seq_core.search.sweep import beam_sweep  # noqa: E402
from bench.common import median_ms  # noqa: E402


def _ms(fn) -> float:
    return median_ms(fn, repeats=30)


def latency(tm, text: str) -> None:
    print(f"one traced search, input {text!r} (median ms)")
    print(f"  greedy        {_ms(lambda: decode_text(tm, text, DecodeConfig('greedy'))):7.2f}")
    for k in (1, 5, 12):
        cfg = DecodeConfig("beam", beam_size=k)
        print(f"  beam K={k:<2d}     {_ms(lambda: decode_text(tm, text, cfg)):7.2f}")


def batched(tm, sources: list[str]) -> None:
    cfg = DecodeConfig("beam", beam_size=5, max_len=20)
    ids = [tm.src_vocab.encode(s, add_eos=True) for s in sources]
    start = time.perf_counter()
    fast = []
    for i in range(0, len(ids), 250):
        fast += beam_search_batch(tm.model, ids[i:i + 250], cfg=cfg, tgt_vocab=tm.tgt_vocab)
    batch_s = time.perf_counter() - start
    start = time.perf_counter()
    slow = [decode_text(tm, s, cfg) for s in sources]
    loop_s = time.perf_counter() - start
    same = sum(a.best.token_ids == b.best.token_ids for a, b in zip(fast, slow))
    print(f"beam K=5 over {len(sources)} inputs: batched {batch_s:.2f} s, one at a time "
          f"{loop_s:.2f} s, ratio {loop_s / batch_s:.1f}x, same best output {same}/{len(sources)}")


def sweep(name: str, tm, pairs) -> None:
    print(f"beam-width sweep, {name}, {len(pairs)} held-out pairs")
    print("  K   exact  mean logp  mean len  search err  model err  unknown")
    for r in beam_sweep(tm, pairs, max_len=45):
        print(f"  {r.beam_size:<3d} {r.exact_match:6.1%} {r.mean_log_prob:10.4f} "
              f"{r.mean_length:9.2f} {r.search_errors:11d} {r.model_errors:10d} {r.unknown:8d}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="pretrained/dates-attention")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sweep-n", type=int, default=200, help="held-out pairs per sweep")
    parser.add_argument("--no-sweep", action="store_true", help="speed figures only")
    args = parser.parse_args()
    torch.set_num_threads(1)
    tm = load(args.model)
    task = make_task("dates", seed=1)
    latency(tm, "lunes, 12 de octubre de 1936")
    batched(tm, [p.source for p in task.heldout[: args.n]])
    if args.no_sweep:
        return
    sweep(Path(args.model).name, tm, task.heldout[:args.sweep_n])
    fixed = Path(args.model).parent / "dates-fixed"
    if fixed.is_dir():
        sweep("dates-fixed", load(fixed), task.heldout[:args.sweep_n])
    rev_task = make_task("reverse", seed=1, min_len=5, max_len=25)  # the shipped models' data
    for name in ("reverse-attention", "reverse-fixed"):
        folder = Path(args.model).parent / name
        if folder.is_dir():
            sweep(name, load(folder), rev_task.heldout[:args.sweep_n])


if __name__ == "__main__":
    main()
