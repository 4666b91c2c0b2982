"""The image-attention chart: each step overlays exactly that step's attention row."""

from __future__ import annotations

import numpy as np
import pytest

from seq2seq_core import images
from seq2seq_core.tasks.digits import compose_digits
from ui.charts.image_attention import strip_attention


def _attention(steps: int, width: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    raw = rng.random((steps, width + 1))
    return raw / raw.sum(axis=1, keepdims=True)


def test_each_step_overlays_its_attention_row():
    pair = compose_digits("407", seed=1)
    strip = images.strip_image(pair.source)
    width = strip.shape[1]
    attention = _attention(4, width)
    tokens = ["4", "0", "7", "<eos>"]
    for t in range(4):
        fig = strip_attention(strip, attention, tokens, images.strip_spans(pair.source), t)
        _, bars, band = fig.data
        np.testing.assert_allclose(band.z[0], attention[t])
        np.testing.assert_allclose(bars.customdata, attention[t])
        heights = np.asarray(bars.y)
        assert heights.argmax() == attention[t].argmax()  # tallest bar: heaviest column
        assert np.isclose(heights.max(), images.STRIP_HEIGHT)
        assert fig.layout.title.text.startswith(f"step {t}: writing ")
        assert len(fig.layout.shapes) == 3  # one gold box per digit
    assert "&lt;eos&gt;" in fig.layout.title.text
    default = strip_attention(strip, attention, tokens)  # the last step by default
    np.testing.assert_allclose(default.data[2].z[0], attention[-1])
    beyond = strip_attention(strip, attention, tokens, step=9)  # clamped to the last
    assert beyond.layout.title.text == default.layout.title.text
    assert strip_attention(strip, attention, tokens, step=1).layout.title.text == \
        "step 1: writing 0"


def test_the_strip_is_drawn_top_row_first_ink_dark():
    strip = np.zeros((images.STRIP_HEIGHT, 3))
    strip[0, 1] = 1.0  # ink at the top row, middle column
    fig = strip_attention(strip, _attention(1, 3), ["<eos>"])
    z = np.asarray(fig.data[0].z)
    assert z[-1, 1] == 0.0 and z.sum() == z.size - 1  # top row drawn last (y up), ink 0
    assert not fig.frames and not fig.layout.shapes


def test_shapes_that_disagree_are_refused():
    with pytest.raises(ValueError, match="does not fit"):
        strip_attention(np.zeros((12, 5)), _attention(2, 4), ["1", "<eos>"])


def test_tables_name_a_strip_by_its_digits_not_its_pixels():
    from ui.charts import compare as compare_charts
    from ui.charts import training as training_charts
    from seq2seq_core import EvalEvent

    pair = compose_digits("58", seed=4)
    frame = compare_charts.greedy_beam_frame([pair.source, "abc"], ["58", "cba"],
                                             {"A": [(("58", True), ("58", True)),
                                                    (("cba", True), ("cba", True))]})
    width = images.strip_width(pair.source)
    assert frame["source"].tolist() == [f"strip of 58 ({width} columns)", "abc"]
    event = EvalEvent(1, 0.5, 0.5, ((pair.source, "58", "59"),), 1.0,
                      samples_correct=(False,))
    assert training_charts.samples_frame(event)["source"].tolist() == [
        f"strip of 58 ({width} columns)"]
