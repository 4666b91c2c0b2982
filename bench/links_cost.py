"""What keeping a view in its URL costs per rerun: the CPU time (thread time of the
script thread) spent in ``ui.url_state`` on a warm Decode page, as a beam-width change
reruns it, against the whole rerun's process CPU time (an upper bound: ``begin`` and
``sync`` call ``restore``, which is also counted on its own).

    python bench/links_cost.py [--reruns 10]

Runs the app in Streamlit's AppTest (no browser, no server), with the shipped
``dates-attention``.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "app")]

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui import url_state  # noqa: E402

FLOW = ("begin", "sync", "restore", "finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=10)
    args = parser.parse_args()
    spent: dict[str, float] = {}

    def timed(name: str):
        inner = getattr(url_state, name)

        @functools.wraps(inner)
        def wrapper(*a, **k):
            start = time.thread_time()
            try:
                return inner(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.thread_time() - start
        return wrapper

    for name in FLOW:  # the views call url_state.<name> at run time: patched here
        setattr(url_state, name, timed(name))
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.query_params.update({"src": "24 décembre 1998", "k": "3"})
    at.run()  # cold: model load, first decode
    spent.clear()
    start = time.process_time()
    for i in range(args.reruns):
        at.slider(key="beam_size").set_value(4 + i % 5).run()
    total = (time.process_time() - start) / args.reruns * 1000
    per_run = {k: v / args.reruns * 1000 for k, v in spent.items()}
    print(" · ".join(f"{k} {v:.2f} ms" for k, v in per_run.items()))
    # begin and sync call restore, so the sum counts some restores twice: an upper bound
    print(f"url_state per rerun: at most {sum(per_run.values()):.1f} ms thread CPU; the "
          f"whole rerun {total:.0f} ms process CPU")


if __name__ == "__main__":
    main()
