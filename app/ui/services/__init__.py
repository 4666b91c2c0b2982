"""The app's door to ``seq2seq_core``, and the only folder with Streamlit caches.

One module per topic: ``server`` (limits, threads), ``models`` (shipped, trained and
uploaded models as ``ModelHandle``), ``decode`` (cached search, held-out pairs, the
width sweep), ``inside`` (traces, PCA bases, replays), ``training`` (runs, the run
registry) and ``task_data`` (prepared task data, uploads). Every cache is keyed by
``ModelHandle.key`` (unique per set of weights) and returns plain data.
"""

from ui.services import decode, inside, models, server, task_data, training, zoo

__all__ = ["decode", "inside", "models", "server", "task_data", "training", "zoo"]
