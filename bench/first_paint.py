"""First paint: how long a new tab waits for its first output, and the server's part of it.

    python bench/first_paint.py                      # everything, ~3 minutes on 2 cores
    python bench/first_paint.py --only browser,server --repeats 5 --json out.json

* ``browser``: headless Debian Chromium (Playwright), a new browser context (a new user's
  tab) per load, 1280x720, alternating ``--repeats`` times between a one-line Streamlit
  page (``bench/one_line_page.py``, its own server) and the app's Decode view, both servers
  warm (each page opened once first). Times from ``goto`` to the title and to the first
  output (the one-line text; Decode's greedy output box) as Playwright sees them and, for
  Decode, to the page settled (no script run in progress, heatmap drawn). Also timed in
  the page itself, from the navigation's start: when the output enters the document (a
  MutationObserver) and the animation frame that follows, the frame that shows it.
  Playwright checks for an element from a task of its own, which waits while the page
  goes on rendering the rest of its first run, so its times add a delay that grows with
  what else the page draws; the frame is what a person sees.
* ``cold``: the server process started, ``/_stcore/health`` answering, and a tab's first
  Decode output, with Chromium already running: ``--cold`` times for each launcher,
  ``streamlit run app/main.py`` and ``python app/serve.py`` (imports and the default model
  loaded before the server answers), alternating.
* ``elements`` (not run by default): which element types hold up a new tab's first
  output, on ``bench/element_page.py`` (``st.code`` and plotly or the data grid together).
* ``server``: new sessions over the websocket as ``bench/load_harness.py`` connects (no
  browser): from connecting to the first script run's end (``script_finished``) for
  Decode, one at a time (``--single`` sessions) and ``--burst`` at once; median, p95, max,
  the bytes each session receives, and the server's CPU seconds for the burst.

Figures go in docs/benchmarks.md, "First paint (issue 11)".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import CHROMIUM, CHROMIUM_ARGS, percentile, start_streamlit, stop  # noqa: E402

VIEWPORT = {"width": 1280, "height": 720}
ONE_LINE = "bench/one_line_page.py"
ONE_LINE_TEXT = "One line."
DECODE_OUTPUT = ('[data-testid="stMain"] [class*="st-key-output_"] code, '  # since issue 11
                 '[data-testid="stMain"] [data-testid="stCode"]')  # before it
TITLE = '[data-testid="stHeading"]'
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
     .every(c => c.querySelector('.main-svg'))"""
TIMEOUT_MS = 120_000
LAUNCHERS = {"streamlit run": False, "app/serve.py": True}  # name -> preload


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "p95": percentile(values, 95),
            "max": max(values), "n": len(values), "all": [round(v, 3) for v in values]}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- browser ---------------------------------------------------------------------------

# In the page: when the first output enters the document, and the next animation frame.
IN_PAGE = """window.__firstOutput = {};
new MutationObserver((_, observer) => {
  const found = [...document.querySelectorAll(%s)].some(e => e.textContent.includes(%s));
  if (!found) return;
  observer.disconnect();
  window.__firstOutput.dom = performance.now();
  requestAnimationFrame(() => { window.__firstOutput.frame = performance.now(); });
}).observe(document, {childList: true, subtree: true, characterData: true});"""


def _load(browser, url: str, output: str) -> dict:
    """One new tab: seconds from goto to the title, the first output, and settled (as
    Playwright sees them), and from the navigation's start to the first output in the
    document and to the frame after it (in the page)."""
    context = browser.new_context(viewport=VIEWPORT)
    selector, text = (DECODE_OUTPUT, "") if output == "decode" else ('[data-testid="stMain"]',
                                                                     output)
    context.add_init_script(IN_PAGE % (json.dumps(selector), json.dumps(text)))
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        times = {}
        if output == "decode":
            page.wait_for_selector(TITLE, timeout=TIMEOUT_MS)
            times["title_s"] = time.perf_counter() - start
            page.wait_for_selector(DECODE_OUTPUT, timeout=TIMEOUT_MS)
            times["output_s"] = time.perf_counter() - start
            page.wait_for_function(SETTLED, timeout=TIMEOUT_MS, polling=50)
            times["settled_s"] = time.perf_counter() - start
        else:
            page.get_by_text(output).first.wait_for(timeout=TIMEOUT_MS)
            times["output_s"] = times["title_s"] = time.perf_counter() - start
        page.wait_for_function("() => window.__firstOutput.frame !== undefined",
                               timeout=TIMEOUT_MS)
        marks = page.evaluate("window.__firstOutput")
        times["in_page_dom_s"], times["in_page_frame_s"] = marks["dom"] / 1e3, marks["frame"] / 1e3
        return times
    finally:
        context.close()


def browser_pairs(repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    one_proc, one_url = start_streamlit(script=ONE_LINE)
    app_proc, app_url = start_streamlit()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, one_url, ONE_LINE_TEXT)  # warm both servers and the browser
            _load(browser, app_url, "decode")
            one, decode = [], []
            for _ in range(repeats):
                one.append(_load(browser, one_url, ONE_LINE_TEXT))
                decode.append(_load(browser, app_url, "decode"))
            browser.close()
    finally:
        stop(one_proc)
        stop(app_proc)
    in_page = ("in_page_dom_s", "in_page_frame_s")
    result = {"one_line": {k: summary([r[k] for r in one]) for k in ("output_s", *in_page)},
              "decode": {k: summary([r[k] for r in decode])
                         for k in ("title_s", "output_s", "settled_s", *in_page)}}
    for key, name in (("output_s", "ratio_output"), ("in_page_frame_s", "ratio_in_page")):
        result[name] = (result["decode"][key]["median"] / result["one_line"][key]["median"])
    result["ratio_in_page_paired"] = summary(  # each Decode tab against the one before it
        [d["in_page_frame_s"] / o["in_page_frame_s"] for o, d in zip(one, decode)])
    return result


def cold_starts(times: int) -> dict:
    """Per launcher ("streamlit run app/main.py", "python app/serve.py"), alternating:
    seconds from the process start to /_stcore/health answering and to a tab's first
    Decode output."""
    from playwright.sync_api import sync_playwright

    found = {launcher: ([], []) for launcher in LAUNCHERS}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(times):
            for launcher, preload in LAUNCHERS.items():
                ready, output = found[launcher]
                start = time.perf_counter()
                proc, url = start_streamlit(preload=preload, timeout_s=180)
                try:
                    ready.append(time.perf_counter() - start)
                    loaded = _load(browser, url, "decode")
                    output.append(ready[-1] + loaded["output_s"])
                finally:
                    stop(proc)
        browser.close()
    return {launcher: {"server_ready_s": summary(ready), "first_output_s": summary(output),
                       "output_after_ready_s": summary([o - r for o, r in zip(output, ready)])}
            for launcher, (ready, output) in found.items()}


ELEMENT_VARIANTS = ("markdown", "code", "widgets-code", "code-plotly-dataframe",
                    "widgets-markdown-plotly-dataframe", "widgets-code-plotly-dataframe",
                    "markdown-wide", "markdown-sidebar", "markdown-nav",
                    "widgets-markdown-plotly-dataframe-wide-sidebar-nav")


def element_costs(repeats: int) -> dict:
    """New tabs on ``bench/element_page.py``, each variant in turn ``repeats`` times:
    seconds from goto to "OUTPUT-HERE" (median per variant)."""
    from playwright.sync_api import sync_playwright

    proc, url = start_streamlit(script="bench/element_page.py")
    times = {v: [] for v in ELEMENT_VARIANTS}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, f"{url}/?el=markdown", "OUTPUT-HERE")  # warm
            for _ in range(repeats):
                for variant in ELEMENT_VARIANTS:
                    loaded = _load(browser, f"{url}/?el={variant}", "OUTPUT-HERE")
                    times[variant].append(loaded["output_s"])
            browser.close()
    finally:
        stop(proc)
    return {v: summary(t) for v, t in times.items()}


# --- server, over the websocket ----------------------------------------------------------

async def new_session(base: str, page_name: str = "") -> dict:
    """Connect as a new tab does, ask for the page, wait for its first full run's end."""
    url = base.replace("http", "ws", 1) + "/_stcore/stream"
    start = time.perf_counter()
    received = 0
    first_delta = None
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                  open_timeout=120) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page_name
        await ws.send(msg.SerializeToString())
        async for raw in ws:
            received += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and first_delta is None:
                first_delta = time.perf_counter() - start
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" \
                    and fwd.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError(fwd.delta.new_element.exception.message)
            if kind == "script_finished" and fwd.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                break
    return {"seconds": time.perf_counter() - start, "first_delta_s": first_delta,
            "bytes": received}


def server_part(single: int, burst: int, page_name: str = "") -> dict:
    proc, base = start_streamlit()
    try:
        first = asyncio.run(new_session(base, page_name))  # the process's first session
        ones = [asyncio.run(new_session(base, page_name)) for _ in range(single)]
        cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()

        async def many():
            return await asyncio.gather(*(new_session(base, page_name) for _ in range(burst)))
        crowd = asyncio.run(many()) if burst else []
        wall, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0
    finally:
        stop(proc)
    return {"first_session_s": first["seconds"],
            "single_s": summary([r["seconds"] for r in ones]),
            "single_bytes": statistics.median(r["bytes"] for r in ones),
            "burst": burst,
            "burst_s": summary([r["seconds"] for r in crowd]) if crowd else None,
            "burst_wall_s": wall, "burst_server_cpu_s": cpu}


def table(report: dict) -> str:
    rows = []
    if "browser" in report:
        b = report["browser"]
        rows.append(f"new tab, warm servers, {b['one_line']['output_s']['n']} alternations: "
                    f"one-line page output median {b['one_line']['output_s']['median']:.2f} s; "
                    f"Decode title {b['decode']['title_s']['median']:.2f} s, first output "
                    f"{b['decode']['output_s']['median']:.2f} s, settled "
                    f"{b['decode']['settled_s']['median']:.2f} s; ratio "
                    f"{b['ratio_output']:.2f}x")
        rows.append(f"in the page, the frame showing the first output (median): one-line "
                    f"{b['one_line']['in_page_frame_s']['median']:.3f} s, Decode "
                    f"{b['decode']['in_page_frame_s']['median']:.3f} s: "
                    f"{b['ratio_in_page']:.2f}x (paired tabs: median "
                    f"{b['ratio_in_page_paired']['median']:.2f}x, max "
                    f"{b['ratio_in_page_paired']['max']:.2f}x)")
    if "elements" in report:
        rows.append("first output by the page's elements (median s): " + ", ".join(
            f"{v} {r['median']:.2f}" for v, r in report["elements"].items()))
    for launcher, c in report.get("cold", {}).items():
        rows.append(f"cold start, {launcher}: server ready {c['server_ready_s']['median']:.2f} s, "
                    f"first output {c['first_output_s']['median']:.2f} s after process start "
                    f"({c['output_after_ready_s']['median']:.2f} s after ready)")
    if "server" in report:
        s = report["server"]
        line = (f"server part of a new Decode session: process's first "
                f"{1000 * s['first_session_s']:.0f} ms; single median "
                f"{1000 * s['single_s']['median']:.0f} ms p95 "
                f"{1000 * s['single_s']['p95']:.0f} ms ({s['single_bytes'] / 1024:.0f} KiB)")
        if s["burst_s"]:
            line += (f"; {s['burst']} at once median {1000 * s['burst_s']['median']:.0f} ms "
                     f"p95 {1000 * s['burst_s']['p95']:.0f} ms max "
                     f"{1000 * s['burst_s']['max']:.0f} ms, server CPU "
                     f"{s['burst_server_cpu_s']:.1f} s")
        rows.append(line)
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="browser,cold,server",
                        help="comma-separated parts: browser, cold, server, elements")
    parser.add_argument("--repeats", type=int, default=5, help="browser alternations")
    parser.add_argument("--cold", type=int, default=2, help="cold starts")
    parser.add_argument("--single", type=int, default=20, help="sessions one at a time")
    parser.add_argument("--burst", type=int, default=30, help="sessions at once")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    report = {}
    if "server" in parts:
        report["server"] = server_part(args.single, args.burst)
    if "browser" in parts:
        report["browser"] = browser_pairs(args.repeats)
    if "cold" in parts:
        report["cold"] = cold_starts(args.cold)
    if "elements" in parts:
        report["elements"] = element_costs(args.repeats)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
