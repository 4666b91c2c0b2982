"""seq2seq_core: a compact PyTorch encoder-decoder library for teaching and debugging.

Shape legend used in every docstring and shape comment:

    B batch, S source length, T target length, E embedding size, H hidden size,
    L layers (x directions where stated), D encoder directions (1 or 2),
    He encoder output size (D*H), A attention size, V vocabulary size, K beam width.

Probabilities are natural-log probabilities unless a name says otherwise; times are
in seconds. This package never imports Streamlit (a test enforces it).
"""

from seq2seq_core.attention import SCORES
from seq2seq_core.cells import CELLS
from seq2seq_core.checkpoint import CheckpointError, load, save
from seq2seq_core.config import DEVICES, ArchConfig, DecodeConfig, ModelConfig, TrainConfig
from seq2seq_core.decoders import DECODERS, FIXED_CONTEXTS
from seq2seq_core.evaluate import EvalReport, evaluate
from seq2seq_core.inside.alignment import alignment_score, gold_alignment, heldout_alignment_score
from seq2seq_core.inside.projection import PCABasis, fit_pca, project
from seq2seq_core.inside.replay import Snapshot, SnapshotStore
from seq2seq_core.inside.trace import StateSelection, Trace, trace, trace_batch
from seq2seq_core.metrics import LABELS as METRIC_LABELS
from seq2seq_core.metrics import METRICS, canonical_references, is_correct
from seq2seq_core.metrics import PERCENT as PERCENT_METRICS
from seq2seq_core.model import Seq2Seq, build_model
from seq2seq_core.search.beam import beam_search, beam_search_batch
from seq2seq_core.search.common import sequence_log_probs
from seq2seq_core.search.decode import InputError, check_source, decode_text, unknown_note
from seq2seq_core.search.greedy import greedy_batch, greedy_search, sample_search
from seq2seq_core.search.tree import BeamNode, BeamTree, Hypothesis, SearchResult, length_penalty
from seq2seq_core.tasks import TASKS, Pair, TaskData, make_task
from seq2seq_core.train import EvalEvent, StepEvent, Trainer, new_model, set_seed
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import BOS_ID, EOS, EOS_ID, PAD_ID, UNK_ID, Vocab
from seq2seq_core.zoo import (
                                  Figures,
                                  PairResult,
                                  compute_figures,
                                  load_examples,
                                  load_figures,
                                  twin_name,
)

__all__ = [
    # tables of choices and constants
    "CELLS", "DECODERS", "DEVICES", "FIXED_CONTEXTS", "METRICS", "METRIC_LABELS",
    "PERCENT_METRICS", "SCORES", "BOS_ID", "EOS", "EOS_ID", "PAD_ID", "UNK_ID",
    # correctness, and the zoo's stored figures and examples
    "canonical_references", "is_correct", "Figures", "PairResult", "compute_figures",
    "load_examples", "load_figures", "twin_name",
    "ArchConfig", "BeamNode", "BeamTree", "CheckpointError", "DecodeConfig", "EvalEvent",
    "EvalReport",
    "Hypothesis", "InputError", "ModelConfig", "Pair", "SearchResult", "Seq2Seq",
    "StepEvent", "TASKS", "TaskData", "TrainConfig", "TrainedModel", "Trainer", "Vocab",
    "beam_search", "beam_search_batch", "build_model", "check_source", "decode_text",
    "evaluate", "greedy_batch",
    "greedy_search", "length_penalty", "sample_search", "load", "make_task", "new_model", "save",
    "sequence_log_probs", "set_seed", "unknown_note",
    # inside the model: traces, projections, alignment, replay snapshots
    "PCABasis", "Snapshot", "SnapshotStore", "StateSelection", "Trace", "alignment_score",
    "fit_pca", "gold_alignment", "heldout_alignment_score", "project", "trace", "trace_batch",
]
