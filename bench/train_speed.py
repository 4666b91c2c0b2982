"""Training speed on the CPU: time to 99% held-out exact match, throughput, threads.

    python bench/train_speed.py                 # everything below, about 3-5 minutes
    python bench/train_speed.py --only to99
    python bench/train_speed.py --only threads

to99: trains `dates` (attention, then fixed context) on one thread, evaluating greedy
exact match on 500 held-out pairs every 20 steps, and reports the training seconds
(wall and CPU, evaluation time excluded) at the first evaluation reaching 99%.
throughput: target tokens per second of training for 1 and 2 torch threads, on a quiet
machine and with a second process busy on one core.
profile: where one training step's time goes (torch.profiler, top operators).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seq2seq_core import TrainConfig, Trainer, make_task, new_model  # noqa: E402

MODEL = dict(cell="gru", emb_dim=32, hidden_dim=128)
VARIANTS = {"attention": {**MODEL, "decoder": "attention", "score": "additive"},
            "fixed": {**MODEL, "decoder": "fixed", "fixed_context": "cho"}}


def _trainer(variant: str, task, lr: float = 3e-3, eval_size: int = 500) -> Trainer:
    cfg = TrainConfig(steps=100_000, batch_size=64, learning_rate=lr, seed=1,
                      eval_size=eval_size)
    return Trainer(new_model(task, VARIANTS[variant], cfg.seed), task, cfg)


def time_to_99(variant: str, task, lr: float, every: int = 20, limit_s: float = 300) -> dict:
    trainer = _trainer(variant, task, lr)
    wall = cpu = 0.0
    while wall < limit_s:
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(every):
            trainer.step()
        wall += time.perf_counter() - w0
        cpu += time.process_time() - c0
        exact = trainer.evaluate().exact_match
        if exact >= 0.99:
            return dict(variant=variant, lr=lr, steps=trainer.step_count, wall_s=wall, cpu_s=cpu,
                        exact_match=exact)
    return dict(variant=variant, lr=lr, steps=trainer.step_count, wall_s=wall, cpu_s=cpu,
                exact_match=exact, note="limit reached")


def throughput(threads: int, task, steps: int = 60) -> float:
    torch.set_num_threads(threads)
    trainer = _trainer("attention", task)
    for _ in range(5):
        trainer.step()  # warm-up
    start, tokens = time.perf_counter(), 0
    for _ in range(steps):
        tokens += trainer.step().tokens
    return tokens / (time.perf_counter() - start)


def _busy(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def threads_table(task) -> list[tuple[str, int, float]]:
    rows = [("quiet", n, throughput(n, task)) for n in (1, 2)]
    stop = mp.Event()
    hog = mp.Process(target=_busy, args=(stop,), daemon=True)
    hog.start()
    try:
        rows += [("one core busy", n, throughput(n, task)) for n in (1, 2)]
    finally:
        stop.set()
        hog.join()
    torch.set_num_threads(1)
    return rows


def profile(task, steps: int = 20) -> None:
    trainer = _trainer("attention", task)
    for _ in range(5):
        trainer.step()
    from torch.profiler import ProfilerActivity, profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["to99", "threads", "profile"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    task = make_task("dates", seed=1)
    if args.only in (None, "to99"):
        print("time to 99% held-out exact match, dates, 1 thread (evaluation excluded)")
        for variant in VARIANTS:
            for lr in (3e-3, 5e-3):
                r = time_to_99(variant, task, lr)
                print(f"  {r['variant']:9s} lr {lr:.0e} {r['steps']:5d} steps  "
                      f"wall {r['wall_s']:6.1f} s  cpu {r['cpu_s']:6.1f} s  "
                      f"exact match {r['exact_match']:.1%} {r.get('note', '')}", flush=True)
    if args.only in (None, "threads"):
        print("training throughput, dates attention GRU-128, batch 64 (target tokens/s)")
        rows = threads_table(task)
        for load, n, tps in rows:
            print(f"  {load:14s} threads={n}  {tps:8.0f} tokens/s", flush=True)
    if args.only in (None, "profile"):
        profile(task)


if __name__ == "__main__":
    main()
