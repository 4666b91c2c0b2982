"""Uploaded images become strips the digits models read: any size, colour, alpha or
polarity; bad files are refused with a clear message. The CLI decodes image files and
evaluates a folder of images with labels.tsv."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from seq2seq_core import DecodeConfig, decode_text, load, save
from seq2seq_core.cli import main
from seq2seq_core.images import STRIP_HEIGHT, read_image, strip_image, text_to_strip
from seq2seq_core.tasks import make_task
from seq2seq_core.train import new_model

PRETRAINED = Path(__file__).resolve().parents[2] / "pretrained"


@pytest.fixture(scope="module")
def task():
    return make_task("digits", n_train=50, n_heldout=6, seed=2, max_digits=3)


def _png(array: np.ndarray, mode: str = "L", **save_args) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array, mode=None).convert(mode).save(out, format="PNG", **save_args)
    return out.getvalue()


def _rendered(text: str, scale: int = 6, dark_on_light: bool = True) -> np.ndarray:
    """A strip drawn big, as a scan would have it: (H*scale, W*scale) uint8."""
    ink = np.kron(strip_image(text), np.ones((scale, scale)))
    grey = (1.0 - ink) if dark_on_light else ink
    return (grey * 255).astype(np.uint8)


def test_a_rendered_strip_reads_back_at_the_scale_it_was_drawn(task):
    for pair in task.heldout[:4]:
        strip = text_to_strip(read_image(_png(_rendered(pair.source))))
        original = text_to_strip(pair.source)

        def extent(a, axis):
            ink = np.flatnonzero(a.any(axis=axis))
            return ink[-1] - ink[0] + 1

        # A digit is 8 rows high again, so the ink's width and height come back.
        assert abs(extent(strip, 0) - extent(original, 0)) <= 1
        assert abs(extent(strip, 1) - extent(original, 1)) <= 1
        assert strip.shape[0] == STRIP_HEIGHT and strip.max() >= 12


def test_the_shipped_model_reads_rendered_pngs_as_it_reads_the_strips():
    tm = load(PRETRAINED / "digits-attention")
    pairs = make_task("digits", seed=1, n_train=10, n_heldout=30, max_digits=8).heldout
    cfg = DecodeConfig(strategy="greedy", max_len=12)
    same = sum(decode_text(tm, p.source, cfg).best.text
               == decode_text(tm, read_image(_png(_rendered(p.source, 5))), cfg).best.text
               for p in pairs)
    assert same >= 0.85 * len(pairs)


def test_polarity_colour_and_alpha_do_not_change_what_the_model_reads(task):
    text = task.heldout[1].source
    dark = read_image(_png(_rendered(text)))
    light = read_image(_png(_rendered(text, dark_on_light=False)))
    assert np.abs(text_to_strip(light).astype(int) - text_to_strip(dark).astype(int)).max() <= 1
    grey = _rendered(text)
    rgb = np.stack([grey, grey // 2 + 128, grey], axis=-1)  # green-tinted paper
    assert np.abs(text_to_strip(read_image(_png(rgb, "RGB"))).astype(int)
                  - text_to_strip(dark).astype(int)).max() <= 2
    # Black ink on transparent paper (a canvas drawing) and white ink on transparent.
    ink = 255 - grey
    for colour in (0, 255):
        rgba = np.stack([np.full_like(grey, colour)] * 3 + [ink], axis=-1)
        assert np.abs(text_to_strip(read_image(_png(rgba, "RGBA"))).astype(int)
                      - text_to_strip(dark).astype(int)).max() <= 1


def test_a_blank_image_is_read_as_a_blank_strip():
    strip = text_to_strip(read_image(_png(np.full((40, 90), 255, dtype=np.uint8))))
    assert strip.shape[0] == STRIP_HEIGHT and not strip.any()


def test_bad_images_are_refused_with_a_clear_message(task):
    good = _png(_rendered(task.heldout[0].source))
    with pytest.raises(ValueError, match="not an image"):
        read_image(b"4071 is not a picture")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        read_image(good[: len(good) * 2 // 3])
    with pytest.raises(ValueError, match="limit is 1,000 pixels"):
        read_image(good, max_pixels=1000)
    frames = [Image.fromarray(_rendered(task.heldout[i].source)[:40, :40]) for i in range(2)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValueError, match="animated or has several pages"):
        read_image(gif.getvalue())
    # A decompression bomb: a tiny file that claims a huge canvas.
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")
    with pytest.raises(ValueError, match="too large|limit is"):
        read_image(bomb.getvalue())
    wide = np.full((8, 8 * 200), 255, dtype=np.uint8)
    wide[:, ::3] = 0
    with pytest.raises(ValueError, match="at most"):
        read_image(_png(wide))


@pytest.fixture(scope="module")
def digits_model(task, tmp_path_factory):
    tm = new_model(task, dict(emb_dim=16, hidden_dim=16), seed=0)
    return save(tmp_path_factory.mktemp("digits") / "model", tm)


def test_cli_decodes_image_files_with_attention_over_columns(task, digits_model, tmp_path,
                                                             capsys):
    path = tmp_path / "strip.png"
    path.write_bytes(_png(_rendered(task.heldout[0].source)))
    assert main(["decode", "--model", str(digits_model), "--max-len", "6", "--json",
                 str(path)]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    columns = len(text_to_strip(read_image(path.read_bytes())).T)
    assert record["source"] == str(path) and record["columns"] == columns
    assert record["source_tokens"] == [f"c{i}" for i in range(columns)] + ["<eos>"]
    rows = record["hypotheses"][0]["attention"]
    assert all(len(row) == columns + 1 and abs(sum(row) - 1) < 1e-5 for row in rows)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    assert main(["decode", "--model", str(digits_model), str(bad), str(path)]) == 1
    out = capsys.readouterr()
    assert "not an image" in out.err and out.out.startswith(f"{path}\t")


def test_cli_evaluates_a_folder_of_images_with_labels(task, digits_model, tmp_path, capsys):
    lines = []
    for i, pair in enumerate(task.heldout[:4]):
        (tmp_path / f"s{i}.png").write_bytes(_png(_rendered(pair.source)))
        lines.append(f"s{i}.png\t{pair.target}")
    (tmp_path / "labels.tsv").write_text("\n".join(lines) + "\n")
    assert main(["evaluate", "--model", str(digits_model), "--pairs", str(tmp_path),
                 "--max-len", "6", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 4
    by_digits = report["exact_match_by_source_length"]  # keyed by number of digits
    assert sorted(map(int, by_digits)) == sorted({len(p.target) for p in task.heldout[:4]})
    (tmp_path / "labels.tsv").write_text("missing.png\t12\n")
    assert main(["evaluate", "--model", str(digits_model), "--pairs", str(tmp_path)]) == 2
    assert "missing.png" in capsys.readouterr().err


def test_a_drawing_s_slim_glyphs_are_widened_to_a_uci_digit_s_width():
    """A drawn 1 is a bar a few pixels wide: read as a drawing it becomes DRAWN_GLYPH_WIDTH
    columns (the UCI digits fill their box), read as a scan it keeps its slim shape, and
    a glyph already wider than that keeps its scaled width either way."""
    from seq2seq_core.images import DRAWN_GLYPH_WIDTH

    canvas = np.full((100, 300), 255, dtype=np.uint8)
    canvas[10:90, 40:50] = 0  # a 1: a bar 10 pixels wide and 80 high
    canvas[10:90, 150:250] = 0  # a block 100 wide: 10 columns at 8 rows per 80 pixels

    def glyph_widths(strip: np.ndarray) -> list[int]:
        inked = strip.any(axis=0).astype(np.int8)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], inked, [0]])))
        return [int(b - a) for a, b in zip(edges[::2], edges[1::2])]

    scan = glyph_widths(text_to_strip(read_image(_png(canvas))))
    drawing = glyph_widths(text_to_strip(read_image(_png(canvas),
                                                    min_glyph_width=DRAWN_GLYPH_WIDTH)))
    assert scan == [1, 10]
    assert drawing == [DRAWN_GLYPH_WIDTH, 10]
