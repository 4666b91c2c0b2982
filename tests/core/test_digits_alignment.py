"""The alignment score's gold for a typed digits strip: positional, known when the strip
records its digits' columns (held-out or composed) and the output has as many digits."""

from __future__ import annotations

from seq2seq_core import images
from seq2seq_core.inside import known_reference
from seq2seq_core.tasks.digits import compose_digits


def test_a_composed_strip_has_a_gold_alignment_with_the_columns_of_each_digit():
    pair = compose_digits("4071", seed=0, split_seed=1)
    spans = images.strip_spans(pair.source)
    assert spans is not None and len(spans) == 4
    found = known_reference("digits", pair.source, "4071")
    assert found is not None
    reference, gold = found
    assert reference == "4071"
    assert gold == tuple(tuple(range(a, b)) for a, b in spans)
    # positional: the columns of the t-th digit, whichever digit the model read there
    assert known_reference("digits", pair.source, "4011")[1] == gold


def test_no_gold_for_an_upload_or_another_number_of_digits():
    pair = compose_digits("4071", seed=0, split_seed=1)
    assert known_reference("digits", pair.source, "407") is None
    upload = images.strip_to_text(images.text_to_strip(pair.source))  # pixels, no spans
    assert images.strip_spans(upload) is None
    assert known_reference("digits", upload, "4071") is None
