"""The benchmark suite: one command, one table, one JSON file to compare runs.

    python bench/run_all.py                  # everything, about 25-40 minutes on 2 cores
    python bench/run_all.py --quick          # shorter limits and load runs, ~10 minutes
    python bench/run_all.py --only search,browser --json out.json
    python bench/run_all.py --load-json artifacts/bench/load_n30.json   # reuse a load run

Sections (``--only`` picks some): ``train`` (seconds to 99% held-out exact match on
``dates`` and ``reverse``, attention and fixed context; training target tokens per
second), ``search`` (greedy and beam K=1, 5, 12 latency for one input, and batched over
1,000 inputs), ``browser`` (app cold start to first render, view switch and re-decode
latency measured in Chromium), ``memory`` (resident memory each training session adds),
``load`` (bench/load_harness.py at N sessions). Everything runs on one torch thread.
Results go to ``artifacts/bench/results-<time>.json`` unless ``--json`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "browser")]

from bench.common import (CHROMIUM, CHROMIUM_ARGS, median_ms, start_streamlit,  # noqa: E402
                          stop)

import seq2seq_core as core  # noqa: E402
from seq2seq_core.data import make_batch  # noqa: E402
from seq2seq_core.tasks import make_task  # noqa: E402
from seq2seq_core.server.worker import RunSpec, TrainingRun  # noqa: E402

SECTIONS = ("train", "search", "browser", "memory", "load")
MODEL = ROOT / "pretrained" / "dates-attention"


def bench_train(limit_s: float) -> dict:
    from train_speed import VARIANTS, throughput, time_to_99
    out = {}
    for task_name in ("dates", "reverse"):
        task = make_task(task_name, seed=1)
        for variant in VARIANTS:
            r = time_to_99(variant, task, 3e-3, limit_s=limit_s)
            out[f"to99_{task_name}_{variant}"] = {
                "seconds": round(r["wall_s"], 1), "steps": r["steps"],
                "exact_match": r["exact_match"], "reached": "note" not in r}
            print(f"  to 99%: {task_name} {variant}: {r}", flush=True)
    out["tokens_per_s"] = round(throughput(1, make_task("dates", seed=1)))
    return out


def bench_search(n_batch: int) -> dict:
    tm = core.load(MODEL)
    text = "Sunday, 20 July 1969"
    out = {"greedy_ms": median_ms(lambda: core.decode_text(
        tm, text, core.DecodeConfig(strategy="greedy")))}
    for k in (1, 5, 12):
        cfg = core.DecodeConfig(beam_size=k, n_best=k)
        out[f"beam{k}_ms"] = median_ms(lambda cfg=cfg: core.decode_text(tm, text, cfg))
    pairs = make_task("dates", seed=7).heldout[:n_batch]
    sources = [tm.src_vocab.encode(p.source, add_eos=True)
               for p in pairs]
    batch = make_batch(pairs, tm.src_vocab, tm.tgt_vocab)
    with torch.no_grad():
        start = time.perf_counter()
        core.greedy_batch(tm.model, batch.src, batch.src_mask, max_len=20)
        out[f"greedy_batch{len(pairs)}_s"] = time.perf_counter() - start
        for k in (1, 5, 12):
            start = time.perf_counter()
            for i in range(0, len(sources), 100):
                core.beam_search_batch(tm.model, sources[i:i + 100], tgt_vocab=tm.tgt_vocab,
                                       cfg=core.DecodeConfig(beam_size=k, n_best=1, max_len=20))
            out[f"beam{k}_batch{len(pairs)}_s"] = time.perf_counter() - start
    return {k: round(v, 3) for k, v in out.items()}


def bench_browser(repeats: int) -> dict:
    from app_driver import nav, open_page, settle
    from playwright.sync_api import expect, sync_playwright
    log = ROOT / "artifacts" / "bench" / "server-cold-start.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    server, url = start_streamlit(log=log)
    out = {"server_ready_s": time.perf_counter() - t0}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t1 = time.perf_counter()
            open_page(page, f"{url}/")
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
            out["first_render_s"] = time.perf_counter() - t1
            out["cold_start_to_first_render_s"] = time.perf_counter() - t0
            settle(page)
            switches, decodes = [], []
            for _ in range(repeats):
                for view in ("About", "Train", "Decode"):
                    start = time.perf_counter()
                    nav(page, view)
                    settle(page)
                    switches.append(time.perf_counter() - start)
                page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
                for text, expected in (("24 décembre 1998", "1998-12-24"),
                                       ("29.02.2004", "2004-02-29")):
                    box = page.get_by_label("Source text", exact=True)
                    start = time.perf_counter()
                    box.fill(text)
                    box.press("Enter")
                    expect(page.locator('[data-testid="stCode"]').first).to_contain_text(
                        expected, timeout=60_000)
                    settle(page)
                    decodes.append(time.perf_counter() - start)
            out["view_switch_ms_median"] = 1000 * statistics.median(switches)
            out["re_decode_ms_median"] = 1000 * statistics.median(decodes)
            browser.close()
    finally:
        stop(server, 30)
    return {k: round(v, 3) for k, v in out.items()}


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_memory(sessions: int = 2, steps: int = 150) -> dict:
    """RSS each concurrent default-model training adds, once it has trained ``steps``
    steps and kept its evaluation snapshots (the app's default settings otherwise)."""
    spec = RunSpec("dates", {}, {}, core.TrainConfig(steps=100_000, eval_every=50))
    TrainingRun(RunSpec("reverse", {}, {"hidden_dim": 8}, core.TrainConfig(steps=2))).start()\
        .join(120)  # warm-up: first optimizer, first task
    base, runs, added = rss_mib(), [], []
    for _ in range(sessions):
        runs.append(TrainingRun(spec).start())
        while runs[-1].snapshot().step < steps and runs[-1].snapshot().active:
            time.sleep(0.5)
        added.append(rss_mib() - base - sum(added))
    for run in runs:
        run.stop()
        run.join(120)
    return {"baseline_mib": round(base), "added_mib_per_session": [round(a) for a in added],
            "threads_alive": threading.active_count()}


def bench_load(sessions: list[int], duration: float, train_s: float) -> dict:
    import load_harness
    out = {}
    for n in sessions:
        args = argparse.Namespace(sessions=n, duration=duration, train_seconds=train_s,
                                  slots=2, heartbeat=30.0, cycles=1, server_arg=[])
        out[f"n{n}"] = load_harness.run(args)
        print(load_harness.table(out[f"n{n}"]), flush=True)
    return out


def table(results: dict) -> str:
    rows = []
    for section, values in results.items():
        if section == "load":
            for name, report in values.items():
                for c in report["cycles"]:
                    rows.append(f"load {name:12s} errors {c['errors']}, health p95 "
                                f"{c['health_ms']['p95']:.0f} ms, refreshes/s/session "
                                f"{c['refreshes_per_s_per_session']:.2f}, steps/session min "
                                f"{min(c['steps_per_session'])}, progressing "
                                f"{c['sessions_progressing']}/{c['sessions']}, RSS max "
                                f"{c['rss_mib_max']:.0f} MiB, threads after timeout "
                                f"{c['after_timeout']['threads']}")
            continue
        for key, value in values.items():
            rows.append(f"{section:8s} {key:32s} {json.dumps(value)}")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--load-sessions", default=None, help="e.g. 1,10,30")
    parser.add_argument("--load-duration", type=float, default=None)
    parser.add_argument("--load-json", type=Path, action="append", default=[],
                        help="use a saved load_harness report instead of running one")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(1)
    only = args.only.split(",") if args.only else list(SECTIONS)
    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "torch_threads": torch.get_num_threads()}
    timings: dict = {}
    if "train" in only:
        timings["train"] = bench_train(90 if args.quick else 600)
    if "search" in only:
        timings["search"] = bench_search(1000)
    if "browser" in only:
        timings["browser"] = bench_browser(1 if args.quick else 3)
    if "memory" in only:
        timings["memory"] = bench_memory()
    if "load" in only:
        if args.load_json:
            timings["load"] = {p.stem: json.loads(p.read_text()) for p in args.load_json}
        else:
            sessions = args.load_sessions or ("1,10" if args.quick else "1,10,30")
            duration = args.load_duration or (60 if args.quick else 600)
            timings["load"] = bench_load([int(n) for n in sessions.split(",")], duration, 20)
    print(table(timings))
    results.update(timings)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.json or ROOT / "artifacts" / "bench" / f"results-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
