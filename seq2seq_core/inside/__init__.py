"""Analysis behind the inside views: traces of every state, PCA projections, the
alignment score against a task's gold alignment, and training-replay snapshots.

May import the model layer and ``search``; never ``server``.
"""

from seq2seq_core.inside.alignment import (
                                           alignment_score,
                                           gold_alignment,
                                           heldout_alignment_score,
                                           known_reference,
)
from seq2seq_core.inside.neighbours import (
                                           Neighbour,
                                           NeighbourIndex,
                                           build_index,
                                           nearest_at_step,
                                           nearest_sources,
)
from seq2seq_core.inside.projection import PCABasis, fit_pca, fit_state_basis, project
from seq2seq_core.inside.replay import ReplayFrame, Snapshot, SnapshotStore, replay_frames
from seq2seq_core.inside.trace import StateSelection, Trace, trace, trace_batch
from seq2seq_core.inside.words import WordAttention, merge_pieces, word_spans

__all__ = ["Neighbour", "NeighbourIndex", "PCABasis", "ReplayFrame", "Snapshot", "SnapshotStore",
           "StateSelection", "Trace", "WordAttention",
           "alignment_score", "build_index", "default_slack",
           "fit_pca", "fit_state_basis", "gold_alignment", "heldout_alignment_score",
           "known_reference", "nearest_at_step", "nearest_sources", "project", "replay_frames",
           "merge_pieces", "trace", "trace_batch", "word_spans"]
