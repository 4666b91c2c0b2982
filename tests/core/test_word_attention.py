"""Pieces merged into words: sum over a word's source pieces, mean over its output pieces
(Clark et al. 2019), so every merged row is still a distribution."""

import numpy as np
import pytest

from seq2seq_core.inside.words import merge_pieces, word_spans

SOURCE = ("▁the", "▁kit", "ten", "▁sleeps", ".", "<eos>")
OUTPUT = ("▁le", "▁chat", "on", "▁dort", ".", "<eos>")


def test_word_spans_follow_the_word_start_mark_and_specials():
    assert word_spans(SOURCE) == ((0, 1), (1, 3), (3, 5), (5, 6))
    assert word_spans(("a", "b", "<eos>", "c")) == ((0, 2), (2, 3), (3, 4))
    assert word_spans(()) == ()


def test_merged_rows_sum_to_one_and_equal_the_sums_of_piece_columns():
    rng = np.random.default_rng(0)
    attention = rng.random((len(OUTPUT), len(SOURCE)))
    attention /= attention.sum(axis=1, keepdims=True)
    merged = merge_pieces(attention, SOURCE, OUTPUT)
    assert merged.source_words == ("the", "kitten", "sleeps.", "<eos>")
    assert merged.output_words == ("le", "chaton", "dort.", "<eos>")
    assert merged.attention.shape == (4, 4)
    np.testing.assert_allclose(merged.attention.sum(axis=1), 1.0, rtol=1e-6)
    # an output word of one piece: its row is the piece row with columns summed per word
    row = attention[0]
    np.testing.assert_allclose(merged.attention[0],
                               [row[0], row[1] + row[2], row[3] + row[4], row[5]], rtol=1e-6)
    # "chaton" (pieces 1 and 2): the mean of the two pieces' summed rows
    both = (attention[1] + attention[2]) / 2
    np.testing.assert_allclose(merged.attention[1],
                               [both[0], both[1] + both[2], both[3] + both[4], both[5]],
                               rtol=1e-6)


def test_one_piece_words_leave_the_map_unchanged():
    attention = np.eye(4)
    merged = merge_pieces(attention, ("▁a", "▁b", "▁c", "<eos>"), ("▁je", "▁suis", "▁là", "<eos>"))
    np.testing.assert_array_equal(merged.attention, attention)
    assert merged.output_words == ("je", "suis", "là", "<eos>")


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="does not match"):
        merge_pieces(np.ones((2, 3)), SOURCE, OUTPUT)
