"""Widget groups: each draws its widgets and returns plain values or a config object.

One module per topic: ``sidebar`` (model picker, checkpoint upload, run heartbeat),
``decode`` (source boxes, decode settings), ``image_input`` (a digit strip in place of
the text box), ``player`` (Play and a step slider), ``beam``, ``train`` (the training form),
``task_options`` (a task's data settings), ``compare``, ``inside`` and ``examples``
(telling examples as buttons). No caches here
(those live in ``ui.services``); every key comes from ``ui.state``.
"""

from ui.widgets import (beam, compare, decode, examples, image_input, inside, player, sidebar,
                        task_options, train)
from ui.widgets.common import KEEP

__all__ = ["KEEP", "beam", "compare", "decode", "examples", "image_input", "inside", "player",
           "sidebar", "task_options", "train"]
