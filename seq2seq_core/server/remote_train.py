"""``python -m seq2seq_core train --ray ADDRESS``: one training through the app's backend.

The command line builds the same ``RunSpec`` the app would and hands it to a
``RunRegistry`` whose backend is the Ray cluster at ADDRESS (``SEQ2SEQ_RAY_FALLBACK``
and the other ``SEQ2SEQ_RAY_*`` variables apply as in the app). It prints each
held-out evaluation as it arrives, touches the run as a browser would, stops it on
Ctrl-C, and saves the final model (checkpoint bytes from the worker, read without
unpickling) to ``--out``. Several such commands at once make a sweep that the cluster
schedules.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from seq2seq_core.checkpoint import save
from seq2seq_core.server.backend import ADDRESS_VAR, backend_from_env
from seq2seq_core.server.errors import ServerBusy
from seq2seq_core.server.limits import Limits
from seq2seq_core.server.registry import RunRegistry
from seq2seq_core.server.worker import RunSpec
from seq2seq_core.train import EvalEvent

POLL_S = 1.0  # seconds between two looks at the run


def train_remote(spec: RunSpec, address: str, out: str | Path,
                 on_eval: Callable[[EvalEvent], None],
                 env: Mapping[str, str] | None = None) -> int:
    """Train ``spec`` on the cluster at ``address`` and save the model to ``out``.

    Returns:
        The exit status: 0 done (or stopped by Ctrl-C with a model saved), 1 the run
        failed or was lost (what it had is saved when there is a model), 2 the cluster
        could not be reached (the message, with the address, on stderr).
    """
    env = {**(os.environ if env is None else env), ADDRESS_VAR: address}
    registry = RunRegistry(Limits.from_env(env), backend=backend_from_env(env))
    try:
        run = registry.submit(spec)
    except ServerBusy as err:  # ClusterUnreachable, or a busy local fallback
        print(f"error: {err}", file=sys.stderr)
        return 2
    where = f"the Ray cluster at {address}" if registry.notice is None else "this machine"
    print(f"{spec.task}: training on {where}, run {run.run_id}", flush=True)
    if registry.notice:
        print(f"note: {registry.notice}", file=sys.stderr)
    shown = 0
    try:
        while True:
            registry.touch(run.run_id)
            snap = run.snapshot()
            for event in snap.evals[shown:]:
                on_eval(event)
            shown = len(snap.evals)
            if not snap.active:
                break
            time.sleep(POLL_S)
    except KeyboardInterrupt:
        run.stop()
        run.join(60)
        snap = run.snapshot()
    tm = run.latest_model()
    if snap.error:
        print(snap.error, file=sys.stderr)
    if tm is None:
        print(f"no model to save: the run ended {snap.status} at step {snap.step}",
              file=sys.stderr)
        return 1
    save(out, tm)
    print(f"saved {out}: {snap.status} at step {tm.info.get('steps')}, held-out exact match "
          f"{tm.info.get('heldout_exact_match', 0.0):.1%} (checkpoint only: --resume "
          "continues local runs)")
    return 0 if snap.status in ("done", "stopped") else 1
