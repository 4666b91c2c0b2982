"""The views with an image model picked: every page renders, the input is the strip
widget (held-out, composed, uploaded), a refused upload keeps the previous strip, and
the Attention view draws the strip with the attention of each step."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core import images
from seq2seq_core.tasks.digits import compose_digits
from ui import services, state
from ui import text as text_md
from ui.charts import slides

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")
MODELS = ("digits-attention", "digits-fixed")
PAGES = {"views/decode.py": "Decode", "views/beam.py": "Beam search",
         "views/attention.py": "Attention", "views/hidden_states.py": "Hidden states",
         "views/compare.py": "Compare", "views/train.py": "Train",
         "views/replay.py": "Training replay"}
BOX = state.DECODE_SOURCE
STRIP_BOXES = {"views/decode.py": [BOX], "views/beam.py": [state.BEAM_SOURCE],
               "views/attention.py": [state.INSIDE_SOURCE],
               "views/hidden_states.py": [state.STATES_A, state.STATES_B],
               "views/compare.py": [state.COMPARE_SOURCE]}


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("digits_pretrained")
    for name in MODELS:
        if not (ROOT / "pretrained" / name / "config.json").is_file():
            pytest.fail(f"pretrained/{name} is missing")  # shipped with the repository
        shutil.copytree(ROOT / "pretrained" / name, out / name)
    return out


@pytest.fixture
def digits(monkeypatch, digits_dir) -> Path:
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(digits_dir))
    return digits_dir


def start(model: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    assert not at.exception, at.exception
    at.selectbox(key=state.MODEL).set_value(f"shipped:{model}").run()
    assert not at.exception, at.exception
    return at


def strip_shown(at: AppTest, box: state.SourceBox = BOX) -> str:
    """The strip the view decodes (as kept in its box), checked to be drawn as an image."""
    text = at.session_state[box.text]
    assert text.startswith(images.PREFIX)
    assert at.get("image"), "the strip is not drawn"
    return text


def png(pixels: np.ndarray) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize("model", MODELS)
def test_every_page_renders_with_the_strip_input(digits, model):
    at = start(model)
    for page, title in PAGES.items():
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value.startswith(title)
        for box in STRIP_BOXES.get(page, ()):
            strip_shown(at, box)
            assert not [t for t in at.text_input if t.key == box.widget]  # no text box
            assert at.radio(key=state.STRIP_MODE.format(box.widget)).options == [
                "Held-out strip", "Compose digits", "Upload an image", "Draw digits"]
            assert "img:" not in " ".join(m.value for m in [*at.markdown, *at.caption])
            assert "img:" not in " ".join(str(b.label) for b in at.button)


def test_a_held_out_strip_is_picked_and_decoded(digits):
    at = start("digits-attention")
    picker = at.selectbox(key=state.STRIP_HELDOUT.format(BOX.widget))
    picker.set_value(3).run()
    assert not at.exception, at.exception
    info = core.load(digits / "digits-attention").info
    pair = core.make_task("digits", seed=info["train_config"]["seed"],
                          **info["task_options"]).heldout[3]
    assert strip_shown(at) == pair.source
    assert any(f"strip of {pair.target} " in c.value for c in at.caption)


def test_composed_digits_become_the_strip_and_show_as_its_label(digits):
    at = start("digits-attention")
    seed = core.load(digits / "digits-attention").info["train_config"]["seed"]
    composed = compose_digits("4071", seed=0, split_seed=seed).source
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Compose digits").run()
    at.text_input(key=state.STRIP_DIGITS.format(BOX.widget)).set_value("4071").run()
    at.button(key=state.STRIP_COMPOSE.format(BOX.widget)).click().run()
    assert not at.exception, at.exception
    assert strip_shown(at) == composed  # held-out images of the model's own split
    assert any("strip of 4071" in c.value for c in at.caption)
    at.text_input(key=state.STRIP_DIGITS.format(BOX.widget)).set_value("12a").run()
    at.button(key=state.STRIP_COMPOSE.format(BOX.widget)).click().run()
    assert at.error and "Cannot compose" in at.error[0].value
    assert strip_shown(at) == composed  # kept


def test_a_bad_upload_says_why_and_keeps_the_previous_strip(digits):
    at = start("digits-attention")
    before = strip_shown(at)
    outputs_before = [m.value for m in at.markdown]
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Upload an image").run()
    at.file_uploader(key=state.STRIP_UPLOAD.format(BOX.widget)).set_value(
        ("digits.png", b"not an image at all", "image/png")).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "not an image" in at.error[0].value
    assert strip_shown(at) == before
    assert [m.value for m in at.markdown] == outputs_before


def test_an_uploaded_image_becomes_the_strip(digits):
    at = start("digits-attention")
    pixels = images.text_to_strip(compose_digits("52", seed=3).source).astype(float)
    big = np.kron(255 - pixels * 15, np.ones((5, 5)))  # dark ink on white, 5x
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Upload an image").run()
    at.file_uploader(key=state.STRIP_UPLOAD.format(BOX.widget)).set_value(
        ("two.png", png(big), "image/png")).run()
    assert not at.exception, at.exception
    assert not at.error
    assert strip_shown(at) == images.read_image(png(big))


def test_attention_draws_the_strip_with_the_weights_of_the_row_picked(digits):
    at = start("digits-attention")
    at.switch_page("views/attention.py").run()
    assert not at.exception, at.exception
    text = strip_shown(at, state.INSIDE_SOURCE)
    output = at.code[0].value

    def strip_figure() -> dict:
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        [fig] = [s for s in specs if s.get("layout", {}).get("title", {}).get(
            "text", "").startswith("step ")]
        return fig

    width = images.strip_width(text)
    assert len(strip_figure()["data"][0]["z"][0]) == width
    last = at.slider(key=state.ATTENTION_STEP).value
    assert last == len(output)  # each digit, then <eos>
    seen = []
    for row in range(last + 1):
        at.slider(key=state.ATTENTION_STEP).set_value(row).run()
        fig = strip_figure()
        _, bars, band = fig["data"]
        assert fig["layout"]["title"]["text"].startswith(f"step {row}: writing ")
        assert np.isclose(sum(bars["customdata"]), 1.0, atol=1e-4)  # a whole row, <eos> too
        assert bars["customdata"] == band["z"][0] and len(band["z"][0]) == width + 1
        seen.append(tuple(bars["customdata"]))
    assert len(set(seen)) == last + 1  # each row its own weights


def test_a_strip_is_named_by_its_digits_or_width_never_its_pixels():
    text = compose_digits("907", seed=2).source
    width = images.strip_width(text)
    assert text_md.source_label("March 3, 2021") == "March 3, 2021"
    assert text_md.source_label(text) == f"strip of {width} columns"
    assert text_md.source_label(text, "907") == f"strip of 907 ({width} columns)"
    name = slides.figure_config("attention", "digits-attention",
                                text_md.source_label(text))["toImageButtonOptions"]
    assert name["filename"] == f"attention-digits-attention-strip_of_{width}_columns"


def test_chart_exports_name_the_strip_not_its_pixels(digits):
    at = start("digits-attention")
    at.switch_page("views/attention.py").run()
    names = [json.loads(c.proto.config)["toImageButtonOptions"]["filename"]
             for c in at.get("plotly_chart")]
    assert names and all("img" not in n and "000000" not in n for n in names)
    assert any("strip_of_" in n for n in names)


def test_the_held_out_picker_shows_the_strip_in_use(digits):
    at = start("digits-attention")
    picker = at.selectbox(key=state.STRIP_HELDOUT.format(BOX.widget))
    assert picker.value == 0  # the view starts on the first held-out strip
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Compose digits").run()
    at.text_input(key=state.STRIP_DIGITS.format(BOX.widget)).set_value("33").run()
    at.button(key=state.STRIP_COMPOSE.format(BOX.widget)).click().run()
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Held-out strip").run()
    assert not at.exception, at.exception
    assert at.selectbox(key=state.STRIP_HELDOUT.format(BOX.widget)).value is None
    assert any("strip of 33 " in c.value for c in at.caption)  # the composed one is kept


def test_attention_scores_the_alignment_of_a_held_out_strip(digits):
    at = start("digits-attention")
    at.switch_page("views/attention.py").run()
    assert not at.exception, at.exception
    text = strip_shown(at, state.INSIDE_SOURCE)
    assert images.strip_spans(text) is not None  # a held-out strip records its columns
    scores = [m for m in at.metric if m.label == "Alignment score"]
    assert len(scores) == 1 and 0.0 <= float(scores[0].value) <= 1.0
    assert not [c for c in at.caption if "No alignment score" in c.value]


def test_the_drawing_canvas_opens_with_the_previous_strip_kept(digits):
    """Choosing Draw digits shows the canvas (drawing on it is tested in Chromium) and,
    until something is drawn, leaves the strip as it was."""
    at = start("digits-attention")
    before = strip_shown(at)
    at.radio(key=state.STRIP_MODE.format(BOX.widget)).set_value("Draw digits").run()
    assert not at.exception, at.exception
    assert not at.error
    assert strip_shown(at) == before
    assert any("Write digits left to right" in c.value for c in at.caption)
