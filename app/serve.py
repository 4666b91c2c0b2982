"""Start the app with its imports done first: ``python app/serve.py [streamlit run flags]``.

``streamlit run app/main.py`` imports torch, pandas, plotly and the app only when the
first tab connects, and that tab waits for them (bench/first_paint.py: 4-15 s on two
loaded cores). This launcher imports them, loads the default model and decodes one input
before it starts the same server in the same process, so the first tab finds everything
loaded. The flags are passed on: ``python app/serve.py --server.port 8502`` is
``streamlit run app/main.py --server.port 8502`` with the wait moved before the server
answers.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
for path in (APP_DIR.parent, APP_DIR):  # as app/main.py does
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


QUIET = ("streamlit.runtime.caching.cache_data_api",  # "No runtime found": expected here
         "streamlit.runtime.scriptrunner_utils.script_run_context")


def preload() -> None:
    """Import what the first page run needs, load the default model into the process's
    model cache and decode its first example (torch's first call sets itself up)."""
    levels = {name: logging.getLogger(name).level for name in QUIET}
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        import seq2seq_core as core
        from ui import charts, services, widgets  # noqa: F401  (plotly, pandas, the app)

        services.server.limit_torch_threads()
        try:
            tm = services.models.load_shipped(services.models.DEFAULT_MODEL)
            core.decode_text(tm, widgets.decode.default_source(tm.task, tm),
                             core.DecodeConfig(beam_size=5, n_best=5))
        except (core.CheckpointError, core.InputError, OSError):
            pass  # no shipped model here: the app says so on its first page
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def main() -> None:
    from streamlit.web import cli

    preload()
    sys.argv = ["streamlit", "run", str(APP_DIR / "main.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
