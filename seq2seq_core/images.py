"""Image strips as text: the one format an image source has everywhere, and uploads read into it.

A strip is H = ``STRIP_HEIGHT`` rows by W columns of grey levels 0..16 (the UCI digits'
17 levels: 0 = paper, 16 = full ink). As a source text it is written column by column,
left to right, each column H characters of ``ALPHABET`` from top to bottom:

    "img:000000000000.0000358a6300.…"        optional "#1-7,9-16": each digit's gold columns

so a strip is a ``Pair.source`` like any other (hashed, cached, compared) and a
vocabulary of level "image" splits it into columns "c0".."c{W-1}". A column's token id
packs its pixels (``column_ids``); ``cnn_encoder`` unpacks them, so batching, search,
trace and evaluation carry image sources exactly as they carry token ids.
``read_image`` turns an uploaded PNG/JPEG (any size, colour, alpha or polarity) into a strip.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

import numpy as np

STRIP_HEIGHT = 12  # rows: an 8-row digit plus 4 rows of vertical jitter
DIGIT_HEIGHT = 8  # rows a digit's ink spans (the UCI digits are 8x8)
DRAWN_GLYPH_WIDTH = 5  # columns: the median ink width of a UCI 1 (other digits: 5-6)
GREY_LEVELS = 17  # grey levels 0..16
ALPHABET = "0123456789abcdefg"  # level i is ALPHABET[i]
PREFIX = "img:"
N_SPECIALS = 4  # token ids 0-3 are PAD, BOS, EOS, UNK (vocab.SPECIALS)
MAX_COLUMNS = 160  # widest strip a model reads (8 digits with gaps need about 90)
MAX_PIXELS = 25_000_000  # largest upload decoded; Pillow's decompression-bomb check stays on
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")
_LUT = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)  # level -> ASCII code
_INVERSE = np.full(256, -1, dtype=np.int16)  # ASCII code -> level, -1 if not a level
_INVERSE[_LUT] = np.arange(GREY_LEVELS)

Spans = tuple[tuple[int, int], ...]  # per digit: [start, end) columns


def strip_to_text(pixels: np.ndarray, spans: Spans | None = None) -> str:
    """The source text of a strip.

    Args:
        pixels: (STRIP_HEIGHT, W) integer grey levels 0..16, ink high.
        spans: each digit's [start, end) columns, appended after "#" (gold alignment).

    Example: a 12x2 strip of zeros with spans ((0, 1),) -> "img:000000000000.000000000000#0-1".

    Raises:
        ValueError: for a wrong height, no columns, more than MAX_COLUMNS, or levels
            outside 0..16.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 2 or pixels.shape[0] != STRIP_HEIGHT or not 1 <= pixels.shape[1]:
        raise ValueError(f"a strip is {STRIP_HEIGHT} rows by at least one column; got "
                         f"shape {pixels.shape}")
    _check_width(pixels.shape[1])
    if pixels.min() < 0 or pixels.max() >= GREY_LEVELS:
        raise ValueError(f"grey levels must be 0..{GREY_LEVELS - 1}")
    chars = _LUT[pixels.T.astype(np.intp)]  # (W, H) ASCII codes
    dots = np.full((chars.shape[0], 1), ord("."), dtype=np.uint8)
    columns = np.hstack([chars, dots]).tobytes().decode("ascii")[:-1]
    tail = "" if spans is None else "#" + ",".join(f"{a}-{b}" for a, b in spans)
    return PREFIX + columns + tail


def _check_width(width: int) -> None:
    if width > MAX_COLUMNS:
        raise ValueError(f"The image is {width} columns wide at the model's height of "
                         f"{STRIP_HEIGHT} rows; the model reads at most {MAX_COLUMNS} "
                         f"(about {MAX_COLUMNS // 10} digits). Crop it to fewer digits.")


def text_to_strip(text: str) -> np.ndarray:
    """The pixels of a strip's source text: (STRIP_HEIGHT, W) uint8 levels 0..16.

    Raises:
        ValueError: if ``text`` is not a strip (says what this model reads).
    """
    body = _body(text)
    width = body.count(".") + 1
    _check_width(width)
    raw = np.frombuffer((body + ".").encode("utf-8"), dtype=np.uint8)
    levels = _INVERSE[raw] if raw.size == width * (STRIP_HEIGHT + 1) else None
    if levels is None or (levels.reshape(width, STRIP_HEIGHT + 1)[:, :STRIP_HEIGHT] < 0).any() \
            or (raw.reshape(width, STRIP_HEIGHT + 1)[:, STRIP_HEIGHT] != ord(".")).any():
        raise ValueError(f"This model reads image strips; the strip text is damaged (each "
                         f"column must be {STRIP_HEIGHT} characters of {ALPHABET}).")
    return levels.reshape(width, STRIP_HEIGHT + 1)[:, :STRIP_HEIGHT].T.astype(np.uint8)


def _body(text: str) -> str:
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) <= len(PREFIX):
        raise ValueError("This model reads images of digit strips, not text: pick a strip, "
                         "compose one or upload a PNG or JPEG.")
    return text[len(PREFIX):].split("#", 1)[0]


def strip_spans(text: str) -> Spans | None:
    """Each digit's [start, end) columns recorded in a composed strip's text, else None."""
    if "#" not in text:
        return None
    try:
        spans = tuple(tuple(int(x) for x in part.split("-")) for part in
                      text.split("#", 1)[1].split(","))
    except ValueError:
        return None
    return spans if all(len(s) == 2 and 0 <= s[0] < s[1] for s in spans) else None  # type: ignore[return-value]


def strip_width(text: str) -> int:
    """W, the number of columns of a strip's text (no validation of the pixels)."""
    return _body(text).count(".") + 1


def column_labels(text: str) -> list[str]:
    """The source "tokens" of a strip: its column positions "c0".."c{W-1}".

    Raises:
        ValueError: if ``text`` is not a valid strip.
    """
    return [f"c{i}" for i in range(text_to_strip(text).shape[1])]


def column_ids(text: str) -> list[int]:
    """One token id per column: N_SPECIALS + the column's levels read as a base-17 number,
    top row least significant (12 rows: below 17**12 + 4 < 2**50, fits int64).

    Example: a blank column -> 4; a column with level 1 in the top row only -> 5.
    """
    pixels = text_to_strip(text).astype(np.int64)  # (H, W)
    weights = GREY_LEVELS ** np.arange(STRIP_HEIGHT, dtype=np.int64)  # (H,)
    return [int(v) + N_SPECIALS for v in weights @ pixels]


def strip_image(text: str) -> np.ndarray:
    """A strip as the model sees it, for display: (STRIP_HEIGHT, W) float in [0, 1], ink 1."""
    return text_to_strip(text).astype(np.float32) / (GREY_LEVELS - 1)


def read_image(data: bytes, max_pixels: int = MAX_PIXELS, min_glyph_width: int = 1) -> str:
    """An uploaded image as a strip text: the task's height, grey levels and polarity.

    Steps: decode with Pillow (its decompression-bomb check on, and ``max_pixels``
    checked from the header before any pixel is decoded); flatten alpha onto a
    background that contrasts with the ink; grey; invert when the paper is light (so ink
    is high, as in the UCI digits); crop to the ink; scale so a digit is DIGIT_HEIGHT
    rows high and the ink fits STRIP_HEIGHT rows, centred; quantise to 0..16. A blank image gives a
    blank strip (what the model reads, shown honestly), not an error.

    Raises:
        ValueError: not an image, corrupt or truncated, larger than ``max_pixels``,
            animated or multi-page, or too wide for the model once scaled.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > max_pixels:
                raise ValueError(f"The image is {width} x {height} pixels; the limit is "
                                 f"{max_pixels:,} pixels. Scale it down or crop it.")
            if getattr(image, "n_frames", 1) > 1:
                raise ValueError("The image is animated or has several pages; save the one "
                                 "frame to read as a PNG or JPEG.")
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as err:
        if isinstance(err, UnidentifiedImageError):
            raise ValueError("The file is not an image Pillow can read; upload a PNG or "
                             "JPEG.") from None
        raise ValueError(f"The image is too large to decode safely ({err}). Scale it "
                         "down or crop it.") from None
    except (OSError, SyntaxError, EOFError) as err:
        raise ValueError(f"The image is corrupt or truncated ({err}); save it again.") from None
    return strip_to_text(_to_levels(_grey(image), min_glyph_width))


def _grey(image: object) -> np.ndarray:
    """Grey values (h, w) in [0, 1], ink high: alpha flattened, light paper inverted."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0  # (h, w, 4)
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # (h, w)
    alpha = rgba[..., 3]
    if alpha.min() < 1.0:
        # Transparent paper: flatten onto the colour the visible ink does not have.
        visible = grey[alpha > 0.5]
        paper = 0.0 if visible.size and visible.mean() > 0.5 else 1.0
        grey = alpha * grey + (1.0 - alpha) * paper
    def border(values: np.ndarray) -> float:
        return float(np.median(np.concatenate([values[0], values[-1], values[:, 0],
                                               values[:, -1]])))

    if border(grey) > 0.5:  # light paper, dark ink: make ink high
        grey = 1.0 - grey
    paper = border(grey)
    return np.clip(grey - paper, 0.0, 1.0)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of equal values in a 1-D boolean array."""
    edges = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(flags)]
    return list(zip(bounds[:-1], bounds[1:]))


def _to_levels(grey: np.ndarray, min_glyph_width: int) -> np.ndarray:
    """Crop to the ink, scale it so a digit is DIGIT_HEIGHT rows high (the 90th percentile
    of the inked columns' heights, as a digit's strokes span it) while the whole ink fits
    STRIP_HEIGHT rows, widen glyphs to ``min_glyph_width``, centre the ink vertically,
    quantise to 0..16."""
    from PIL import Image

    ink = grey > max(0.15, 0.3 * float(grey.max()))
    if not ink.any():  # blank: a blank strip one digit wide
        return np.zeros((STRIP_HEIGHT, DIGIT_HEIGHT), dtype=np.uint8)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    crop = grey[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] / float(grey.max())
    inked = ink.any(axis=0)
    tops = ink.argmax(axis=0)[inked]
    bottoms = ink.shape[0] - ink[::-1].argmax(axis=0)[inked]
    digit = float(np.percentile(bottoms - tops, 90))  # rows a digit spans
    scale = min(DIGIT_HEIGHT / digit, STRIP_HEIGHT / crop.shape[0])
    height = min(STRIP_HEIGHT, max(1, round(crop.shape[0] * scale)))
    # Scaled whole, or (to widen glyphs) each run of inked or blank columns on its own.
    runs = _runs(inked) if min_glyph_width > 1 else [(0, len(inked))]
    pieces = []
    for start, end in runs:
        width = max(1, round((end - start) * scale))
        if min_glyph_width > 1 and inked[start]:
            width = max(width, min_glyph_width)
        piece = Image.fromarray((crop[:, start:end] * 255).astype(np.uint8))
        pieces.append(np.asarray(piece.resize((width, height), Image.Resampling.BOX),
                                 dtype=np.float32))  # area average, as the UCI 4x4 blocks
    small = np.hstack(pieces)  # (height, width)
    width = small.shape[1]
    _check_width(width + 2)
    levels = np.rint(small / 255.0 * (GREY_LEVELS - 1))
    top = (STRIP_HEIGHT - height) // 2
    out = np.zeros((STRIP_HEIGHT, width + 2), dtype=np.uint8)  # a blank column each side
    out[top:top + height, 1:width + 1] = levels.astype(np.uint8)
    return out


def compose_text(images: Sequence[np.ndarray], xs: Sequence[int], ys: Sequence[int],
                 width: int) -> str:
    """Place 8x8 digit images (levels 0..16) at columns ``xs``, rows ``ys`` on a blank strip
    ``width`` columns wide (overlaps keep the darker ink) and record each digit's ink
    columns as its gold span.

    Raises:
        ValueError: if a digit falls outside the strip.
    """
    strip = np.zeros((STRIP_HEIGHT, width), dtype=np.uint8)
    spans = []
    for img, x, y in zip(images, xs, ys):
        h, w = img.shape
        if x < 0 or y < 0 or x + w > width or y + h > STRIP_HEIGHT:
            raise ValueError(f"a digit at ({x}, {y}) does not fit a strip of width {width}")
        region = strip[y:y + h, x:x + w]
        np.maximum(region, img.astype(np.uint8), out=region)
        inked = np.flatnonzero(img.any(axis=0))
        spans.append((x + int(inked[0]), x + int(inked[-1]) + 1) if inked.size else (x, x + w))
    return strip_to_text(strip, tuple(spans))
