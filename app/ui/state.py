"""Session state: every key this session uses, and typed helpers over what it owns.

Every ``st.session_state`` key and every widget ``key=`` in the app is a constant here
(tests/app/test_state_keys.py checks that they are distinct and that nothing else
spells one). Templates with ``{}`` (``EXAMPLE``) are filled with ``.format``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from seq2seq_core import TrainedModel
from seq2seq_core.server import TrainingRun


@dataclass(frozen=True)
class SourceBox:
    """A source text box that keeps its text across page switches, per task.

    Attributes:
        text: session key of the kept text (a plain value: it outlives the widget).
        task: session key of the task the text was filled for (a new task resets it).
        widget: the ``st.text_input`` key; refilled from ``text`` after a page switch.
    """

    text: str
    task: str
    widget: str


# -- the sidebar and the session's own objects --
MODEL = "model"  # picker: "shipped:<name>", "run:<run id>" or "upload:<id>"
RUNS = "runs"  # list[RunEntry], oldest first
UPLOADS = "uploads"  # list[UploadEntry]
UPLOAD_WIDGET = "checkpoint_upload_{}"  # the uploader, by the number of files it refused
UPLOAD_RESETS = "checkpoint_upload_resets"  # int: refused files (a new key clears it)
UPLOAD_ERROR = "checkpoint_upload_error"  # str: why the last checkpoint was refused
PRESENT = "present_mode"  # the sidebar's presenter toggle (ui.presenter)

# -- Decode --
DECODE_SOURCE = SourceBox("source_text", "source_task", "source")
DECODE_OUTPUT = "output_{}"  # container of an output: greedy, beam (browser tests find it)
EXAMPLE = "example_{}"  # example button i
TELLING = "telling_{}_{}"  # telling-example button (view prefix, i): decode, beam, compare
POINT_TO = "point_to_{}_{}"  # "pick that model" button (view prefix, kind)
PINNED = "pinned_models"  # list[PinnedEntry]: run snapshots taken by "Use in Decode"
BEAM_SIZE, ALPHA, MAX_LEN, N_BEST = "beam_size", "alpha", "max_len", "n_best"
HYPOTHESIS = "hypothesis"
ATTENTION_HEATMAP = "attention_heatmap"

# -- Beam search (it shares Decode's BEAM_SIZE, ALPHA, MAX_LEN, N_BEST) --
BEAM_SOURCE = SourceBox("beam_source_text", "beam_source_task", "beam_source")
BEAM_EXAMPLE = "beam_example_{}"
BEAM_HELDOUT, BEAM_USE_HELDOUT = "beam_heldout", "beam_use_heldout"
BEAM_STEP, BEAM_PLAY = "beam_step", "beam_play"  # tree step slider, Play/Pause button
BEAM_PLAYING, BEAM_JUST_STARTED = "beam_playing", "beam_just_started"
BEAM_PRUNED = "beam_show_pruned"  # the tree's "Show pruned candidates" toggle
BEAM_TREE_SIG = "beam_sig"  # the search the tree shows: a new one resets the player
BEAM_TREE_CHART, BEAM_CLICKED = "beam_tree_chart", "beam_clicked"
BEAM_FORCE_NODE, BEAM_FORCE_STRATEGY = "beam_force_node", "beam_force_strategy"
BEAM_FORCED_CHART = "beam_forced_chart"
BEAM_TREE_EXPORT, ATTENTION_EXPORT = "beam_tree_export", "attention_export"  # HTML files
BEAM_TEMPERATURE, BEAM_TOP_K, BEAM_SAMPLES = "beam_temperature", "beam_top_k", "beam_samples"
BEAM_ATTENTION, BEAM_ATTENTION_HEATMAP = "beam_attention", "beam_attention_heatmap"
SWEEP_N, SWEEP_RUN, SWEEP_CHART = "sweep_n", "sweep_run", "sweep_chart"

# -- Attention, Hidden states (inside views) --
INSIDE_SOURCE = SourceBox("inside_source", "inside_source_task", "inside_source_input")
ATTENTION_ANIMATION, ALIGNMENT_LINES = "attention_animation", "alignment_lines"
ATTENTION_STEP, ATTENTION_STEP_SIG = "attention_step", "attention_step_sig"  # the row shown
ATTENTION_PLAY, ATTENTION_PLAYING = "attention_play", "attention_playing"  # the row's player
ATTENTION_JUST_STARTED = "attention_just_started"
MERGE_WORDS = "attention_merge_words"  # Attention: subword pieces merged into words
CONTEXT_ROWS = "context_rows"
ATTENTION_PICTURE = "attention_picture"  # presenter mode: the one picture Attention shows
COMPARE_PICTURE = "compare_picture"  # presenter mode: the one part Compare shows
STATES_PICTURE = "states_picture"  # presenter mode: Hidden states' plot or its neighbours
TRAIN_PICTURE = "train_picture"  # presenter mode: Train's live curves, held-out curve or samples
STATES_A = SourceBox("states_a", "states_a_task", "states_a_input")
STATES_B = SourceBox("states_b", "states_b_task", "states_b_input")
STATES_PART, STATES_DIRECTION = "states_part", "states_direction"
STATES_LAYER = "states_layer_of_{}"  # one per layer count: a new model starts on its last
STATES_CELL, STATES_DIMS = "states_cell", "states_dims"
TRAJECTORIES = "trajectories"
NEIGHBOURS_INPUT, NEIGHBOURS_AT = "neighbours_input", "neighbours_at"
NEIGHBOURS_K = "neighbours_k"

# -- Image input (digit strips): one set per source box, filled with its widget key --
STRIP_MODE, STRIP_HELDOUT = "strip_mode_{}", "strip_heldout_{}"  # how to pick; which strip
STRIP_DIGITS, STRIP_SEED = "strip_digits_{}", "strip_seed_{}"  # compose: digits, images
STRIP_COMPOSE = "strip_compose_{}"  # the Compose button
STRIP_UPLOAD = "strip_upload_{}"  # the PNG/JPEG uploader
STRIP_UPLOAD_SEEN = "strip_upload_seen_{}"  # digest of the last upload or drawing read
STRIP_CANVAS = "strip_canvas_{}"  # the drawing canvas
STRIP_ERROR = "strip_error_{}"  # why the last compose or upload was refused
STRIP_REFERENCES = "strip_references"  # {strip text: its digits}: strips picked or composed
STRIP_ATTENTION = "strip_attention"  # Attention: the strip with one step's weights on it

# -- Train --
TRAIN_TASK, TASK_EXAMPLE = "train_task", "task_example_{}"
G2P_STRESS = "g2p_stress"
DIGITS_RANGE = "digits_range"  # (fewest, most) digits in a strip of the digits task
TATOEBA_DIR, TATOEBA_FILE = "tatoeba_dir", "tatoeba_file"
TR_LANG, TR_TUTORIAL, TR_MAX_LEN = "tr_lang", "tr_tutorial", "tr_max_len"
TR_MAX_VOCAB, TR_LOWER, TR_HELDOUT = "tr_max_vocab", "tr_lower", "tr_heldout"
TR_TOKENS, TR_VOCAB_SIZE = "tr_tok", "tr_vocab_size"
PAIRS_FILE, PAIRS_LEVEL = "upload_file", "upload_level"
PAIRS_UPLOAD = "upload_pairs"  # Accepted: the last good pairs file
PAIRS_UPLOAD_ERROR = "pairs_upload_error"  # (digest, message) of the last refused one
CORPUS_UPLOAD = "corpus_upload"  # Accepted: the last good Tatoeba file
CORPUS_UPLOAD_ERROR = "corpus_upload_error"  # (digest, message) of the last refused one
SPLIT_TEXT = "split_text"
TRAIN_FORM, TRAIN_START = "train_form", "train_start"
TRAIN_LENGTHS, TRAIN_CELL, TRAIN_BIDIRECTIONAL = "train_lengths", "train_cell", \
    "train_bidirectional"
TRAIN_LAYERS, TRAIN_EMB, TRAIN_HIDDEN = "train_layers", "train_emb", "train_hidden"
TRAIN_DECODER, TRAIN_SCORE, TRAIN_FIXED = "train_decoder", "train_score", "train_fixed"
TRAIN_DROPOUT, TRAIN_LR, TRAIN_BATCH = "train_dropout", "train_lr", "train_batch"
TRAIN_STEPS, TRAIN_TF, TRAIN_SEED = "train_steps", "train_tf", "train_seed"
TRAIN_EVAL_EVERY, TRAIN_EVAL_SIZE = "train_eval_every", "train_eval_size"
TRAIN_MINUTES, TRAIN_DEVICE = "train_minutes", "train_device"
TRAIN_DEFAULTS_FOR = "train_defaults_for"  # the task whose defaults the form was set to
VIEW_RUN = "train_view_run"  # the run the Train view shows (its picker key)
TRAIN_STOP, USE_IN_DECODE = "train_stop", "use_in_decode"
TRAIN_PAUSE, TRAIN_RESUME = "train_pause", "train_resume"
TRAIN_STEP, TRAIN_STEP_EVAL = "train_step", "train_step_eval"  # one step, one interval
TRAIN_SPEED = "train_speed"  # steps per second (0: full speed)
DOWNLOAD_CHECKPOINT = "download_checkpoint"
TRAIN_CURVES, HELDOUT_CURVE = "train_curves", "heldout_curve"
TRAIN_SAMPLES = "train_samples"  # the sample predictions' container
TRAIN_SETTINGS = "train_settings"  # the settings expander (open: True)
TRAIN_COLLAPSE = "train_collapse"  # a run just started: close the settings next run

# -- Compare --
COMPARE_MODE = "compare_mode"  # "models" (two models, nothing to train) or "train"
COMPARE_PICK_TASK, COMPARE_STRATEGY = "compare_pick_task", "compare_strategy"
COMPARE_SIDEBAR = "compare_sidebar_model"  # the sidebar pick Compare last followed
COMPARE_PICK = "compare_pick_{}"  # model a or b: a picker key
COMPARE_SOURCE = SourceBox("compare_source", "compare_source_task", "compare_source_input")
COMPARE_BY_LENGTH_STORED = "compare_by_length_stored"
COMPARE_PANEL = "compare_panel_{}"  # a or b: what that decoder reads for the input
COMPARE_SPLIT_PICK, COMPARE_SPLIT_USE = "compare_split_pick", "compare_split_use"
COMPARE = "compare_runs"  # picker keys of the runs started together
COMPARE_FORM, COMPARE_START, COMPARE_STOP = "compare_form", "compare_start", "compare_stop"
COMPARE_SETTINGS = "compare_settings"  # Train both's settings expander (open: True)
COMPARE_COLLAPSE = "compare_collapse"  # a pair just started: close the settings next run
COMPARE_TASK, COMPARE_LENGTHS = "compare_task", "compare_lengths"
COMPARE_MODEL = "compare_{}_{}"  # (model letter a/b, field: decoder, cell, score, fixed)
COMPARE_HIDDEN, COMPARE_EMB = "compare_hidden", "compare_emb"
COMPARE_STEPS, COMPARE_LR, COMPARE_SEED = "compare_steps", "compare_lr", "compare_seed"
COMPARE_EVAL_EVERY, COMPARE_EVAL_SIZE = "compare_eval_every", "compare_eval_size"
COMPARE_N_TRAIN = "compare_n_train"
COMPARE_CURVES, COMPARE_BY_LENGTH = "compare_curves", "compare_by_length"

# -- Training replay --
REPLAY_RUN = "replay_run"
REPLAY_PROBE = SourceBox("replay_probe", "replay_probe_task", "replay_probe_input")
REPLAY_CHART, REPLAY_EXPORT, REPLAY_ALIGNMENT = "replay_chart", "replay_export", \
    "replay_alignment"
REPLAY_STEP, REPLAY_STEP_SIG = "replay_step", "replay_step_sig"  # the snapshot shown
REPLAY_PLAY, REPLAY_PLAYING = "replay_play", "replay_playing"  # the snapshots' player
REPLAY_JUST_STARTED = "replay_just_started"
REPLAY_AT = "replay_at"  # (index, training step) of the snapshot drawn (the link's: its step)

# -- Links: the URL query <-> these keys (ui.url_state) --
URL_PAGE = "url_page"  # the page whose query was read last (another one: read again)
URL_PENDING = "url_pending"  # {parameter: raw value} read from the link, not applied yet
URL_WRITTEN = "url_written"  # {parameter: value} this session last put in the URL
URL_KEYS = "url_keys"  # {parameter: (session key, table part)} of the open page
URL_NOTES = "url_notes"  # notes about the link's refused values, shown until a switch
URL_NOTES_SLOT = "url_notes_slot"  # where this run drew them (redrawn at its end)
URL_FULL_RUN = "url_full_run"  # True from ``url_state.begin`` to ``end_run``: a whole-page run
COPY_LINK = "copy_link"  # the Copy link popover


@dataclass(frozen=True)
class RunEntry:
    """One training run of this session with its display name parts."""

    number: int
    run: TrainingRun
    label: str  # ModelConfig.label, e.g. "GRU-128 attention (additive)"
    task: str

    @property
    def name(self) -> str:
        return f"my run {self.number}: {self.label}, {self.task}"

    @property
    def key(self) -> str:
        return f"run:{self.run.run_id}"


@dataclass(frozen=True)
class UploadEntry:
    """A checkpoint this session uploaded: per user, never in a cache shared by all."""

    number: int
    folder: str  # the archive's folder name, reduced to letters, digits, "-", "_", "."
    tm: TrainedModel = field(repr=False)
    key: str = field(default_factory=lambda: f"upload:{uuid.uuid4().hex}")

    @property
    def name(self) -> str:
        return f"uploaded {self.number}: {self.folder}"


@dataclass(frozen=True)
class PinnedEntry:
    """A run's model at one evaluated step, kept by "Use in Decode" while the run trains
    on: the model the user saw, not the one the run has reached since."""

    run_key: str  # the run's picker key, "run:<run id>"
    step: int
    name: str  # "my run 1 at step 300: GRU-64 attention (additive), reverse"
    label: str
    task: str
    tm: TrainedModel = field(repr=False)

    @property
    def key(self) -> str:
        return f"pinned:{self.run_key}:{self.step}"


MAX_PINNED = 8  # snapshots a session keeps (the oldest go first)


def init_defaults() -> None:
    """Create the session's containers once (idempotent)."""
    st.session_state.setdefault(RUNS, [])


def runs() -> list[RunEntry]:
    """This session's training runs, oldest first (the list itself: append to keep one)."""
    return st.session_state.setdefault(RUNS, [])


def add_run(run: TrainingRun, label: str, task: str) -> RunEntry:
    """Keep a new run for the rest of the session and show it on the Train view."""
    entry = RunEntry(len(runs()) + 1, run, label, task)
    runs().append(entry)
    st.session_state[VIEW_RUN] = entry.key
    return entry


def find_run(key: str | None) -> RunEntry | None:
    """The run with picker key ``key`` ("run:<run id>"), or None."""
    return next((e for e in runs() if e.key == key), None)


def active_run() -> RunEntry | None:
    """The run still training, if any (a session trains one at a time)."""
    return next((e for e in runs() if e.run.snapshot().active), None)


def compare_runs() -> list[RunEntry]:
    """The runs of the latest comparison, in the order they were started."""
    return [e for key in st.session_state.get(COMPARE, []) if (e := find_run(key))]


def set_compare_runs(entries: list[RunEntry]) -> None:
    """Remember ``entries`` as the latest comparison (by their picker keys)."""
    st.session_state[COMPARE] = [e.key for e in entries]


def model_key() -> str | None:
    """The picker key of the model picked in the sidebar, or None before the first pick."""
    return st.session_state.get(MODEL)


def use_model(key: str) -> None:
    """Select a model in the sidebar picker (call from a callback, before it renders)."""
    st.session_state[MODEL] = key


def fill_source(box: SourceBox, text: str, task: str) -> None:
    """Put ``text`` in a source box, as filled for ``task`` (from a callback, or before
    the box renders)."""
    st.session_state[box.text] = st.session_state[box.widget] = text
    st.session_state[box.task] = task


def keep_source(box: SourceBox) -> None:
    """The box's ``on_change``: keep what was typed beyond the widget's life."""
    st.session_state[box.text] = st.session_state[box.widget]


def choice(key: str, options: Sequence[Any], default: Any = None) -> None:
    """Make ``st.session_state[key]`` one of ``options`` before its select box renders
    (``default``, else the first option, when it is not), so a new list never shows a
    stale or missing value."""
    if st.session_state.get(key) not in options and options:
        st.session_state[key] = default if default in options else options[0]


def uploads() -> list[UploadEntry]:
    """The checkpoints this session uploaded, oldest first."""
    return st.session_state.setdefault(UPLOADS, [])


def add_upload(folder: str, tm: TrainedModel) -> UploadEntry:
    """Keep an uploaded model for the rest of the session (never in a shared cache)."""
    entry = UploadEntry(len(uploads()) + 1, folder, tm)
    uploads().append(entry)
    return entry


def find_upload(key: str | None) -> UploadEntry | None:
    """The upload with picker key ``key`` ("upload:<id>"), or None."""
    return next((e for e in uploads() if e.key == key), None)


def pinned() -> list[PinnedEntry]:
    """The run snapshots this session pinned, oldest first."""
    return st.session_state.setdefault(PINNED, [])


def pin(entry: RunEntry, tm: TrainedModel) -> PinnedEntry:
    """Keep ``tm`` (the model of ``entry`` shown at its step) as a model of its own."""
    step = int(tm.info.get("steps", 0))
    found = PinnedEntry(entry.key, step, f"my run {entry.number} at step {step}: "
                        f"{entry.label}, {entry.task}", entry.label, entry.task, tm)
    kept = [p for p in pinned() if p.key != found.key][-(MAX_PINNED - 1):]
    st.session_state[PINNED] = [*kept, found]
    return found


def find_pinned(key: str | None) -> PinnedEntry | None:
    """The pinned snapshot with picker key ``key`` ("pinned:run:<id>:<step>"), or None."""
    return next((p for p in pinned() if p.key == key), None)
