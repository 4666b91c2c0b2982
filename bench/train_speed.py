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

    python bench/train_speed.py --against HEAD~1 [--rounds 3] [--new-model JSON]

paired: this tree against another commit (exported with ``git archive``) in the same run,
alternating which goes first: target tokens per CPU-second of training (``dates``
attention GRU-128, and word-level English-French when the Tatoeba files are there) and
CPU seconds for ``dates`` attention to reach 99% held-out exact match; min and median
of the rounds, and new / old. Each measurement is its own process on one thread, using
only the public API both commits share. ``--new-model '{"decoder": "luong"}'`` changes the
model this tree trains (the other commit keeps the standard one), to compare a decoder
the other commit does not have.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
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
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


# Run in a fresh process with a tree's root first on sys.path; prints one JSON object.
MEASURE = r"""
import json, sys, time, torch
torch.set_num_threads(1)
from seq2seq_core import TrainConfig, Trainer, make_task, new_model
kind, overrides = sys.argv[1], json.loads(sys.argv[2])
model = dict(cell="gru", emb_dim=32, hidden_dim=128, decoder="attention", score="additive")
if kind == "translation":
    task = make_task("translation", seed=1, lang="fra", max_len=10, tokenization="word",
                     vocab_size=4000)
    model = dict(cell="gru", emb_dim=96, hidden_dim=256, decoder="attention")
    model.update(overrides)
else:
    model.update(overrides)
    task = make_task("dates", seed=1)
cfg = TrainConfig(steps=100_000, batch_size=64, learning_rate=3e-3, seed=1, eval_size=500)
trainer = Trainer(new_model(task, model, 1), task, cfg)
if kind == "to99":
    cpu, exact = 0.0, 0.0
    while exact < 0.99 and cpu < 120:
        c0 = time.process_time()
        for _ in range(20):
            trainer.step()
        cpu += time.process_time() - c0
        exact = trainer.evaluate().exact_match
    print(json.dumps({"cpu_s": cpu, "steps": trainer.step_count, "exact": exact}))
else:
    for _ in range(5):
        trainer.step()
    c0, tokens = time.process_time(), 0
    for _ in range(40):
        tokens += trainer.step().tokens
    print(json.dumps({"tokens_per_cpu_s": tokens / (time.process_time() - c0)}))
"""


def _measure(tree: Path, kind: str, env: dict[str, str], model: str = "{}") -> dict:
    code = f"import sys; sys.path.insert(0, {str(tree)!r})\n" + MEASURE
    out = subprocess.run([sys.executable, "-c", code, kind, model], cwd=tree,
                         capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(f"{kind} in {tree} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def paired(rev: str, rounds: int, new_model: str = "{}") -> None:
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "archive", rev], cwd=root, capture_output=True,
                                 check=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        kinds = ["dates", "to99"]
        env = dict(os.environ)
        try:
            import seq2seq_core.tasks.tatoeba as tatoeba
            tatoeba.find_corpus("fra")
            kinds.insert(1, "translation")
            env[tatoeba.TATOEBA_ENV] = str(tatoeba.default_dir())  # the copy has no ../shared
        except ValueError:
            print("(no Tatoeba files: English-French left out)")
        for kind in kinds:
            results: dict[str, list[float]] = {"old": [], "new": []}
            key = "cpu_s" if kind == "to99" else "tokens_per_cpu_s"
            for r in range(rounds):
                order = [("old", old, "{}"), ("new", root, new_model)]
                for name, tree, model in (order if r % 2 == 0 else order[::-1]):
                    results[name].append(_measure(tree, kind, env, model)[key])
            unit = "CPU s to 99%" if kind == "to99" else "tokens per CPU-second"
            for name in ("old", "new"):
                v = results[name]
                print(f"  {kind:11s} {name} ({rev if name == 'old' else 'this tree'}): "
                      f"{unit} min {min(v):8.1f} median {statistics.median(v):8.1f}  {v}",
                      flush=True)
            ratio = statistics.median(results["new"]) / statistics.median(results["old"])
            print(f"  {kind:11s} new / old (medians): {ratio:.2f}  (this tree's model: "
                  f"{new_model})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["to99", "threads", "profile"])
    parser.add_argument("--against", metavar="REV", help="paired comparison with a commit")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--new-model", default="{}", metavar="JSON",
                        help="model fields this tree trains instead (paired mode only)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.against:
        paired(args.against, args.rounds, args.new_model)
        return
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
