"""Decoding algorithms and their results: greedy search, sampling, beam search with its
tree, exact search, the beam-width sweep, and ``decode_text`` (text in, result out).

Imports only the model layer (config, vocab, model, decoders, ...), never ``inside`` or
``server`` (tests/core/test_layers.py enforces it).
"""

from seq2seq_core.model import model_device
from seq2seq_core.search.beam import beam_search, beam_search_batch, select_candidates
from seq2seq_core.search.common import encode_batch, next_log_probs, sequence_log_probs
from seq2seq_core.search.decode import InputError, check_source, decode_text, unknown_note
from seq2seq_core.search.greedy import decode_steps, greedy_batch, greedy_search, sample_search
from seq2seq_core.search.oracle import OracleResult, oracle_search
from seq2seq_core.search.sweep import SweepRow, beam_sweep, searched_widths
from seq2seq_core.search.tree import (
                                      BeamNode,
                                      BeamTree,
                                      Hypothesis,
                                      SearchResult,
                                      divergence_step,
                                      length_penalty,
)

__all__ = ["BeamNode", "BeamTree", "Hypothesis", "InputError", "OracleResult", "SearchResult",
           "SweepRow", "beam_search", "beam_search_batch", "beam_sweep", "check_source",
           "decode_steps", "decode_text", "divergence_step", "encode_batch", "greedy_batch",
           "greedy_search", "length_penalty", "model_device", "next_log_probs", "oracle_search",
           "sample_search", "searched_widths", "select_candidates", "sequence_log_probs",
           "unknown_note"]
