"""How fast live training gets somewhere on the real tasks, one CPU thread.

    python bench/live_training.py [--seconds 300] [--tasks g2p,translation] [--clock cpu]
                                  [--decoder luong]

Trains the Train page's default model (GRU-128, embedding 32, additive attention, Adam
lr 3e-3, batch 64) on ``g2p`` (no stress digits) and ``translation`` (en-fr with the
Train view's defaults: everyday sentences of at most 12 words on BPE subwords) for
``--seconds`` each, evaluating greedy decoding on 500 held-out pairs every 250 steps,
and prints the task's metrics against wall time and the process's CPU time (on a shared
machine the CPU column is the one to compare): the figures behind "how long until the
model is useful" in a workshop. Translation needs the Tatoeba files (README: Data); it
is skipped without them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seq2seq_core import EvalEvent, TrainConfig, Trainer, make_task, new_model  # noqa: E402

APP_MODEL = dict(cell="gru", emb_dim=32, hidden_dim=128, decoder="attention", score="additive")
TASKS = {"g2p": {"stress": False},
         "translation": {"lang": "fra"}}  # the Train view's defaults otherwise


def curve(task_name: str, seconds: float, clock: str = "wall",
          decoder: str = "attention") -> None:
    try:
        task = make_task(task_name, seed=0, **TASKS[task_name])
    except ValueError as err:  # no Tatoeba files
        print(f"{task_name}: skipped ({err})")
        return
    cfg = TrainConfig(steps=100_000, batch_size=64, learning_rate=3e-3, seed=0,
                      eval_every=250, eval_size=500,
                      max_seconds=seconds if clock == "wall" else 0.0)
    print(f"{task_name}: {len(task.train)} training pairs; default app model, "
          f"{decoder} decoder; {seconds:.0f} s", flush=True)

    def show(event) -> None:
        if isinstance(event, EvalEvent):
            scores = "  ".join(f"{k} {v:.3g}" for k, v in event.scores)
            print(f"  {event.elapsed_s:6.0f} s  cpu {time.process_time() - cpu0:6.0f} s  "
                  f"step {event.step:5d}  exact match "
                  f"{event.exact_match:6.1%}  {scores}", flush=True)

    cpu0 = time.process_time()
    out_of_cpu = (lambda: time.process_time() - cpu0 > seconds) if clock == "cpu" else None
    model = {**APP_MODEL, "decoder": decoder}
    Trainer(new_model(task, model, 0), task, cfg).run(show, out_of_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--tasks", default="g2p,translation")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="what --seconds counts: wall time, or this process's CPU "
                             "time (a machine shared with other jobs)")
    parser.add_argument("--decoder", default="attention",
                        help="the decoder trained (a key of seq2seq_core.DECODERS)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name in args.tasks.split(","):
        curve(name, args.seconds, args.clock, args.decoder)


if __name__ == "__main__":
    main()
