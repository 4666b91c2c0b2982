"""Pure chart and table builders: core results in, plotly figures or DataFrames out.

Nothing in this folder imports Streamlit (tests/app/test_app_layers.py checks it), so
every builder is unit-tested on hand-made data. One module per view topic: ``decode``,
``training``, ``beam``, ``sweep``, ``attention``, ``trajectory`` (and the replay),
``compare``, ``neighbours``, ``image_attention`` (an image source's attention) and
``slides`` (presenter text and SVG export of any figure); what they share is in
``common``, and no module imports another's.
"""

from ui.charts import (attention, beam, common, compare, decode, image_attention, neighbours,
                       slides, sweep, trajectory, training)

__all__ = ["attention", "beam", "common", "compare", "decode", "image_attention", "neighbours",
           "slides", "sweep", "trajectory", "training"]
