"""Load harness: N headless sessions on one Streamlit server, each training the default model.

    python bench/load_harness.py --sessions 30 --duration 600 --train-seconds 20
    python bench/load_harness.py --sessions 10 --duration 120 --cycles 3 --json out.json
    python bench/load_harness.py --backend ray --sessions 30 --duration 300

It speaks Streamlit's own browser protocol rather than driving browsers (30 Chromiums
would measure the 2 cores' browsers, not the server). Each session opens the websocket
``/_stcore/stream`` (subprotocol "streamlit"), asks for the Train page (a ``BackMsg``
``rerun_script`` with ``page_name="train"``), reads the ``ForwardMsg`` deltas to learn the
widget ids of "Start training" and "Stop", presses them by sending a rerun with that id's
``trigger_value``, and follows ``auto_rerun`` messages as the frontend does: every
``interval`` seconds it requests a rerun of that fragment (``is_auto_rerun``). Every
session presses Start training with the form's defaults (the default model on ``dates``),
stops its run after ``--train-seconds`` of training, and starts another until the end.
At the end the sessions just disconnect, like closed tabs, so their runs must stop
themselves after the heartbeat timeout.

Reported: errors (connection failures, exceptions drawn by the app), /_stcore/health
latency percentiles, UI refreshes (live-panel redraws) per second per session, training
steps per session, and the server's memory (RSS) and threads, sampled from /proc.

``--backend ray`` trains on a Ray head started on this machine (``bench.ray_head``:
loopback only, ``--ray-cpus`` CPUs, default ``--slots``) instead of the server's threads,
and adds the memory of every Ray process (GCS, raylet, the runs' workers), the number
of run actors alive, and, measured on the idle cluster before the sessions connect, the
time a run takes to start (actor ready, first step) and a single poll's latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, percentile, start_streamlit, stop  # noqa: E402
from bench.ray_head import probe, ray_rss, start_head, stop_head  # noqa: E402

PROGRESS = re.compile(r"^(\w+) · step (\d+)/")


@dataclass
class SessionStats:
    """What one headless session saw."""

    connected: bool = False
    errors: list[str] = field(default_factory=list)
    runs: int = 0
    steps: int = 0  # training steps over all its runs
    refreshes: int = 0  # live-panel redraws (progress elements received)
    queued_s: float = 0.0  # seconds its runs waited for a slot
    seconds: float = 0.0


class Session:
    """One headless browser tab on the Train page."""

    def __init__(self, base: str, stats: SessionStats) -> None:
        self.ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
        self.stats = stats
        self.page_hash = ""
        self.query = ""
        self.buttons: dict[str, str] = {}  # label -> widget id
        self.status, self.step = "", 0
        self.fragments: dict[str, asyncio.Task] = {}
        self.changed = asyncio.Event()
        self.busy = False  # a full script run we asked for has not finished yet

    async def _send(self, fragment_id: str = "", trigger: str | None = None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = self.query, "train"
        state.page_script_hash = self.page_hash
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        else:
            self.busy = True
        if trigger:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = trigger, True
        await self.ws.send(msg.SerializeToString())

    async def _poll(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self._send(fragment_id)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "button":
            self.buttons[element.button.label] = element.button.id
        elif kind == "progress":
            match = PROGRESS.match(element.progress.text)
            if match:
                self.status, self.step = match.group(1), int(match.group(2))
                self.stats.refreshes += 1
        elif kind == "exception":
            self.stats.errors.append(f"{element.exception.type}: {element.exception.message}")

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "navigation":  # the Train page's hash, for every later rerun
                self.page_hash = next((p.page_script_hash for p in msg.navigation.app_pages
                                       if p.url_pathname == "train"), self.page_hash)
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
            elif kind == "auto_rerun":
                fid = msg.auto_rerun.fragment_id
                if fid in self.fragments:
                    self.fragments[fid].cancel()
                self.fragments[fid] = asyncio.create_task(self._poll(fid, msg.auto_rerun.interval))
            elif kind == "script_finished" and msg.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                self.busy = False
            elif kind == "stop_auto_rerun":
                for fid in msg.stop_auto_rerun.fragment_ids:
                    if fid in self.fragments:
                        self.fragments.pop(fid).cancel()
            self.changed.set()

    async def _until(self, predicate, deadline: float) -> bool:
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 1.0))
            except TimeoutError:
                pass
        return True

    async def run(self, end: float, train_s: float) -> None:
        start = time.monotonic()
        try:
            async with websockets.connect(self.ws_url, subprotocols=["streamlit"],
                                          max_size=None, open_timeout=60) as ws:
                self.ws, self.stats.connected = ws, True
                reader = asyncio.create_task(self._read())
                await self._send()
                while time.monotonic() < end:
                    if not await self._until(
                            lambda: not self.busy and "Start training" in self.buttons, end):
                        break  # like a user: click once the page has finished drawing
                    self.buttons.pop("Stop", None)
                    await self._send(trigger=self.buttons["Start training"])
                    self.stats.runs += 1
                    queued = time.monotonic()
                    if not await self._until(lambda: self.status == "running", end):
                        break
                    self.stats.queued_s += time.monotonic() - queued
                    await asyncio.sleep(min(train_s, max(0.0, end - time.monotonic())))
                    await self._until(lambda: not self.busy, time.monotonic() + 30)
                    if "Stop" in self.buttons:
                        await self._send(trigger=self.buttons["Stop"])
                    await self._until(lambda: self.status in ("stopped", "done", "error",
                                                              "lost"),
                                      time.monotonic() + 60)
                    self.stats.steps += self.step
                    self.status = ""
                for task in self.fragments.values():
                    task.cancel()
                reader.cancel()
        except Exception as err:  # counted, reported; the other sessions go on
            self.stats.errors.append(f"{type(err).__name__}: {err}")
        self.stats.seconds = time.monotonic() - start


async def health_probe(base: str, end: float, latencies: list[float], errors: list[str]) -> None:
    host, port = base.removeprefix("http://").split(":")
    request = f"GET /_stcore/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    while time.monotonic() < end:
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(request.encode())
            response = await asyncio.wait_for(reader.read(), 30)
            writer.close()
            if b" 200 " not in response.split(b"\r\n", 1)[0]:
                errors.append(f"health answered {response[:40]!r}")
            latencies.append(time.perf_counter() - t0)
        except (OSError, TimeoutError) as err:
            errors.append(f"health: {type(err).__name__}: {err}")
        await asyncio.sleep(0.5)


def proc_status(pid: int) -> tuple[float, int]:
    """(resident memory in MiB, threads) of process ``pid``."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])


async def sample_server(pid: int, end: float, samples: list[tuple], ray=None) -> None:
    """Every second: (server MiB, server threads[, Ray MiB, run actors alive])."""
    while time.monotonic() < end:
        samples.append(proc_status(pid) + (ray_rss(ray) if ray is not None else ()))
        await asyncio.sleep(1.0)


async def one_cycle(base: str, pid: int, n: int, duration: float, train_s: float,
                    ray=None) -> dict:
    end = time.monotonic() + duration
    stats = [SessionStats() for _ in range(n)]
    latencies, health_errors, samples = [], [], []
    probes = [asyncio.create_task(health_probe(base, end, latencies, health_errors)),
              asyncio.create_task(sample_server(pid, end, samples, ray))]
    sessions = []
    for s in stats:  # connect over a few seconds, as a room does
        sessions.append(asyncio.create_task(Session(base, s).run(end, train_s)))
        await asyncio.sleep(min(0.5, 10 / max(n, 1)))
    await asyncio.gather(*sessions)
    await asyncio.gather(*probes)
    ms = [1000 * x for x in latencies]
    return {
        "sessions": n, "seconds": duration, "train_seconds": train_s,
        "errors": sum(len(s.errors) for s in stats) + len(health_errors),
        "error_samples": ([e for s in stats for e in s.errors] + health_errors)[:10],
        "health_ms": {"p50": percentile(ms, 50), "p95": percentile(ms, 95),
                      "max": max(ms, default=float("nan")), "n": len(ms)},
        "refreshes_per_s_per_session": statistics.mean(
            s.refreshes / s.seconds for s in stats if s.seconds) if stats else 0.0,
        "steps_per_session": sorted(s.steps for s in stats),
        "runs_per_session": sorted(s.runs for s in stats),
        "sessions_progressing": sum(s.steps > 0 for s in stats),
        "mean_queue_s": statistics.mean(s.queued_s / max(s.runs, 1) for s in stats),
        "rss_mib_max": max((s[0] for s in samples), default=float("nan")),
        "threads_max": max((s[1] for s in samples), default=0),
        **({"ray_rss_mib_max": max(s[2] for s in samples),
            "run_actors_max": max(s[3] for s in samples)} if ray is not None and samples
           else {}),
    }


def run(args: argparse.Namespace) -> dict:
    env = {"SEQ2SEQ_TRAIN_SLOTS": str(args.slots), "SEQ2SEQ_MAX_QUEUED": str(args.sessions),
           "SEQ2SEQ_HEARTBEAT_TIMEOUT_S": str(args.heartbeat)}
    head, extra = None, {}
    if args.backend == "ray":
        head = start_head(args.ray_cpus or args.slots, free_port())
        extra["ray_probe"] = probe(head, args.probe_runs) if args.probe_runs else {}
        env.update(head.env, SEQ2SEQ_RAY_ADDRESS=head.address,
                   SEQ2SEQ_RAY_LINGER_S=str(args.linger))
    try:
        proc, base = start_streamlit(env=env, extra=args.server_arg, timeout_s=60)
        try:
            time.sleep(3)
            idle = proc_status(proc.pid)
            cycles = []
            for _ in range(args.cycles):
                result = asyncio.run(one_cycle(base, proc.pid, args.sessions, args.duration,
                                               args.train_seconds, head))
                time.sleep(args.heartbeat + 10 + (args.linger if head else 0))  # closed
                after = proc_status(proc.pid) + (ray_rss(head) if head else ())  # tabs' runs
                result["after_timeout"] = dict(zip(("rss_mib", "threads", "ray_rss_mib",
                                                    "run_actors"), after))
                cycles.append(result)
            return {"backend": args.backend, "server_args": args.server_arg,
                    "slots": args.slots, "heartbeat_timeout_s": args.heartbeat,
                    "idle": dict(zip(("rss_mib", "threads"), idle)), "cycles": cycles,
                    **extra}
        finally:
            stop(proc, 30)
    finally:
        if head is not None:
            stop_head(head)


def table(report: dict) -> str:
    rows = [f"backend {report.get('backend', 'thread')}; idle server: "
            f"{report['idle']['rss_mib']:.0f} MiB, {report['idle']['threads']} threads; "
            f"{report['slots']} training slots"]
    if report.get("ray_probe"):
        p = report["ray_probe"]
        rows.append(f"idle Ray cluster: run start (actor ready) "
                    f"{', '.join(f'{s:.1f}' for s in p['actor_ready_s'])} s, first step "
                    f"{', '.join(f'{s:.1f}' for s in p['first_step_s'])} s | one poll p50 "
                    f"{p['poll_ms']['p50']:.1f} ms p95 {p['poll_ms']['p95']:.1f} ms max "
                    f"{p['poll_ms']['max']:.0f} ms")
    for i, c in enumerate(report["cycles"], 1):
        steps = c["steps_per_session"]
        rows.append(
            f"cycle {i}: {c['sessions']} sessions x {c['seconds']:.0f} s | errors {c['errors']} | "
            f"health p50 {c['health_ms']['p50']:.0f} ms p95 {c['health_ms']['p95']:.0f} ms "
            f"max {c['health_ms']['max']:.0f} ms | refreshes/s/session "
            f"{c['refreshes_per_s_per_session']:.2f} | steps/session min {steps[0]} median "
            f"{statistics.median(steps):.0f} max {steps[-1]} | progressing "
            f"{c['sessions_progressing']}/{c['sessions']} | mean queue wait "
            f"{c['mean_queue_s']:.1f} s | RSS max {c['rss_mib_max']:.0f} MiB, "
            f"threads max {c['threads_max']} | after timeout "
            f"{c['after_timeout']['rss_mib']:.0f} MiB, {c['after_timeout']['threads']} threads"
            + (f" | Ray RSS max {c['ray_rss_mib_max']:.0f} MiB with {c['run_actors_max']} "
               f"run actors; after timeout {c['after_timeout']['ray_rss_mib']:.0f} MiB, "
               f"{c['after_timeout']['run_actors']} run actors" if "ray_rss_mib_max" in c
               else ""))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds per cycle")
    parser.add_argument("--train-seconds", type=float, default=20.0)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--heartbeat", type=float, default=30.0,
                        help="server's heartbeat timeout (s)")
    parser.add_argument("--cycles", type=int, default=1, help="connect/disconnect cycles")
    parser.add_argument("--backend", choices=["thread", "ray"], default="thread",
                        help="train in the server's threads, or on a local Ray head")
    parser.add_argument("--ray-cpus", type=int, default=0,
                        help="CPUs of the Ray head (default: --slots)")
    parser.add_argument("--linger", type=float, default=10.0,
                        help="SEQ2SEQ_RAY_LINGER_S of the server (s)")
    parser.add_argument("--probe-runs", type=int, default=3,
                        help="runs started one by one on the idle cluster to time a start")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra `streamlit run` flag, e.g. "
                             "--server-arg=--runner.postScriptGC=true")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    report = run(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
