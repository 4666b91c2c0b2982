"""Figures for the inside views: fixed context vs attention by source length, replay
snapshot memory, and the time to build each view's figures.

    python bench/inside_views.py [--steps 800] [--skip-training]

1. Accuracy by source length (Bahdanau et al. 2015, figure 2): a fixed-context (Cho) and
   an attention (additive) GRU, trained one after the other on ``reverse`` with lengths
   5-40, same data, seed and budget (``--steps`` steps of 64 pairs, hidden 64, emb 16,
   lr 5e-3, one CPU thread), then greedy exact match and token accuracy on 1000
   held-out strings, bucketed by length.
2. Memory of the replay snapshots for the Train page's default run (dates, GRU-128
   attention, emb 32, 1000 steps, an evaluation every 100) and for a long run.
3. Milliseconds to build each view's figures (core work + plotly builders + JSON, which
   is what ``st.plotly_chart`` sends), with the shipped ``dates-attention``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "app")]

import seq2seq_core as core  # noqa: E402
from seq2seq_core.evaluate import token_accuracy  # noqa: E402
from seq2seq_core.inside.projection import fit_state_basis  # noqa: E402
from seq2seq_core.inside.replay import SnapshotStore, model_bytes, replay_frames  # noqa: E402
from seq2seq_core.inside.trace import StateSelection, trace, trace_batch  # noqa: E402
from seq2seq_core.server.worker import RunSnapshot  # noqa: E402
from bench.common import median_ms  # noqa: E402
from ui.charts import attention, compare, trajectory  # noqa: E402


def accuracy_by_length(steps: int) -> dict[str, core.TrainedModel]:
    task = core.make_task("reverse", n_train=20000, n_heldout=1000, seed=0, min_len=5,
                          max_len=40)
    cfg = core.TrainConfig(steps=steps, eval_every=0, seed=0, learning_rate=5e-3)
    models, rows = {}, {}
    for decoder in ("fixed", "attention"):
        trainer = core.Trainer(core.new_model(task, {"hidden_dim": 64, "emb_dim": 16,
                                                     "decoder": decoder}, 0), task, cfg)
        start = time.perf_counter()
        tm = trainer.run()
        seconds = time.perf_counter() - start
        report = core.evaluate(tm, task.heldout, core.DecodeConfig(strategy="greedy",
                                                                    max_len=45))
        refs = [tm.tgt_vocab.encode(p.target) for p in task.heldout]
        preds = [tm.tgt_vocab.encode(p) for p in report.predictions]
        by_len: dict[int, list[float]] = {}
        for pair, pred, ref in zip(task.heldout, preds, refs):
            by_len.setdefault(len(pair.source) // 5 * 5, []).append(token_accuracy(pred, ref))
        by_length = tuple((k, n, em) for k, (n, em) in report.by_length.items())
        rows[decoder] = (compare.length_buckets(by_length),
                         {k: statistics.mean(v) for k, v in sorted(by_len.items())})
        aligned = core.heldout_alignment_score(tm, task.heldout)
        print(f"{decoder:9s}: {steps} steps in {seconds:.0f} s, held-out exact match "
              f"{report.exact_match:.1%}, token accuracy {report.token_accuracy:.1%}, "
              f"alignment score {'-' if aligned is None else f'{aligned:.2f}'}")
        models[decoder] = tm
    print("\nheld-out greedy exact match (token accuracy) by source length:")
    print(f"{'length':>8s} {'pairs':>6s} {'fixed':>16s} {'attention':>16s}")
    for (label, n, em_f), (_, _, em_a), (k, tok_f), tok_a in zip(
            rows["fixed"][0], rows["attention"][0], rows["fixed"][1].items(),
            rows["attention"][1].values()):
        print(f"{label:>8s} {n:6d} {em_f:7.1%} ({tok_f:5.1%}) {em_a:7.1%} ({tok_a:5.1%})")
    return models


def snapshot_memory() -> None:
    task = core.make_task("dates", n_train=300, n_heldout=10, seed=0)
    tm = core.new_model(task, {"hidden_dim": 128, "emb_dim": 32}, 0)
    one = model_bytes(tm)
    for steps, every in ((1000, 100), (100_000, 100)):
        store = SnapshotStore()
        for step in range(every, steps + 1, every):
            store.add(step, tm)
        print(f"{steps:>7d} steps, eval every {every}: {len(store.snapshots())} snapshots, "
              f"{store.nbytes / 2**20:.1f} MiB ({one / 2**20:.2f} MiB each)")


def timed(name: str, build, repeat: int = 5) -> None:
    print(f"{name:44s} {median_ms(build, repeat):7.1f} ms (median of {repeat})")


def view_timings(models: dict[str, core.TrainedModel] | None) -> None:
    tm = core.load(ROOT / "pretrained" / "dates-attention")
    text = "lunes, 12 de octubre de 1936"
    sel = StateSelection()
    sample = [p.source for p in core.make_task("dates", n_train=1, n_heldout=150,
                                               seed=12345).heldout]

    def attention_view():
        tr = trace(tm, text)
        for fig in (attention.attention_upto(tr), attention.alignment_lines(tr),
                    attention.context_rows(tr)):  # the export's animation: on a click
            fig.to_json()

    traces_cache = trace_batch(tm, sample)
    basis = fit_state_basis(traces_cache, sel)

    def hidden_view(fit: bool):
        b = fit_state_basis(trace_batch(tm, sample), sel) if fit else basis
        traces = [trace(tm, text), trace(tm, text.replace("12", "13"))]
        panels = trajectory.trajectory_panels(traces, ["A", "B"], b, sel)
        trajectory.trajectory_figure(panels, 2, b.explained_variance_ratio).to_json()

    store = SnapshotStore()
    for step in range(100, 2100, 100):
        store.add(step, tm)

    def replay_view():  # what the view draws: one snapshot (the export's animation: on a click)
        frames = replay_frames(store.snapshots(), text, basis, sel)
        trajectory.replay_at(frames, sel).to_json()

    print(f"\ntime to build each view's figures (one CPU thread, input {text!r}):")
    timed("Attention (trace + heatmap, alignment lines, context rows)", attention_view)
    timed("Hidden states, cached basis (2 traces)", lambda: hidden_view(False))
    timed("Hidden states, new basis (+150 traced)", lambda: hidden_view(True), 3)
    timed(f"Training replay ({len(store.snapshots())} snapshots)", replay_view, 3)
    if models:
        snaps = []
        for decoder, m in models.items():
            report = core.evaluate(m, core.make_task("reverse", n_train=1, n_heldout=300,
                                                     seed=7, min_len=5,
                                                     max_len=40).heldout,
                                   core.DecodeConfig(strategy="greedy", max_len=45))
            event = core.EvalEvent(m.info["steps"], report.exact_match, report.token_accuracy,
                                   (), 0.0, None, tuple((k, n, e) for k, (n, e) in
                                                        report.by_length.items()))
            history = tuple(core.StepEvent(i, 1.0, 0.5, 1.0, 10, 0.1) for i in range(1, 4001))
            snaps.append((decoder, RunSnapshot("done", 4000, 4000, history, (event,) * 40,
                                               None, 1.0)))

        def compare_view():
            compare.compare_curves(snaps).to_json()
            compare.accuracy_by_length([(n, s.evals[-1]) for n, s in snaps]).to_json()

        timed("Compare (curves of 2 x 4000 steps + by length)", compare_view)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=800, help="training steps per model")
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    models = None if args.skip_training else accuracy_by_length(args.steps)
    print("\nreplay snapshot memory:")
    snapshot_memory()
    view_timings(models)


if __name__ == "__main__":
    main()
