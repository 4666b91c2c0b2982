"""The links' field table: each URL query parameter of each view, with the session key
it fills, its parser and how it is written back (``ui.url_state`` runs the flow).

Parsers validate with the limits the core and the widgets use (the server's beam width,
output length and input tokens; the widgets' length-penalty range and n-best); each
raises ValueError with the reason a note shows. ``FIELDS`` is keyed by view, and by
``view.part`` for values checked against what a view computes later (the beam tree's
last step, the hypotheses, a run's model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import seq2seq_core as core
from ui import presenter, state
from ui.services import decode as services_decode
from ui.services import models, server
from ui.text import code_span_safe
from ui.widgets import decode as decode_widgets
from ui.widgets import inside as inside_widgets
from ui.widgets.common import CHOICES

Ctx = dict[str, Any]  # what a parser may need: handle, cfg, task, tm, last, labels, ...


@dataclass(frozen=True)
class Field:
    """One query parameter.

    Attributes:
        name: its name in the URL.
        key: the session-state key it fills, or a function of the context that gives it
            (e.g. the layer picker's key depends on the model's layer count).
        what: how the note names it ("beam width").
        parse: (raw URL value, context) -> value; raises ValueError saying why not.
        dump: value -> URL text (default ``str``).
        apply: (value, context) -> None, when setting ``st.session_state[key]`` is not
            enough (a source box); None: set the key.
        default: the value set when the link's value is refused; None leaves the
            widget's own default (or what this tab had).
    """

    name: str
    key: str | Callable[[Ctx], str]
    what: str
    parse: Callable[[str, Ctx], Any]
    dump: Callable[[Any], str] = str
    apply: Callable[[Any, Ctx], None] | None = None
    default: Any = None


# -- parsers (pure; each raises ValueError with the reason shown in the note) --

def parse_int(raw: str, low: int, high: int) -> int:
    """An integer in [low, high]. Example: parse_int("7", 1, 16) -> 7; "99" raises."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError("not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"must be from {low} to {high}")
    return value


def parse_float(raw: str, low: float, high: float, step: float | None = None) -> float:
    """A number in [low, high], snapped to ``step`` from ``low`` as the slider would.
    Example: parse_float("0.6", 0, 2, 0.1) -> 0.6; "nan" and "3" raise."""
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError("not a number") from None
    if not low <= value <= high:  # NaN fails both comparisons
        raise ValueError(f"must be from {low:g} to {high:g}")
    if step:
        value = round(low + round((value - low) / step) * step, 10)
    return value


def parse_choice(raw: str, options: Sequence[str]) -> str:
    """One of ``options``, exactly. Example: parse_choice("3", ["2", "3"]) -> "3"."""
    if raw not in options:
        shown = ", ".join(code_span_safe(o, 30) for o in list(options)[:8])
        raise ValueError(f"not one of {shown}" if options else "nothing to choose here")
    return raw


def parse_flag(raw: str) -> bool:
    """Presenter mode and check boxes: "1"/"true"/"on" or "0"/"false"/"off"."""
    value = raw.strip().lower()
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no", ""):
        return False
    raise ValueError("not 1 or 0")


def model_key(raw: str, choices: Sequence[str]) -> str:
    """A link's model (a shipped model's name, or a picker key such as "run:<id>") ->
    its picker key among ``choices``."""
    for key in (raw, models.shipped_key(raw)):
        if key in choices:
            return key
    if raw.startswith("run:"):
        raise ValueError("that run is not on this server any more (runs are kept for a "
                         "while after they end, and not across a restart)")
    if raw.startswith(("upload:", "pinned:")):
        raise ValueError("an uploaded model or a pinned snapshot lives only in the tab "
                         "that made it")
    raise ValueError("no model of that name on this server")


def model_name(key: str) -> str:
    """The URL form of a picker key: a shipped model by its name, anything else as is."""
    return key.removeprefix("shipped:")


def check_source(raw: str, ctx: Ctx) -> str:
    """A source text the model can read, within the server's input limit."""
    try:
        services_decode.check_text(ctx["tm"], raw)
    except core.InputError as err:
        raise ValueError(str(err)) from None
    return raw


# -- field builders --

def _source(name: str, box: state.SourceBox, what: str) -> Field:
    return Field(name, box.text, what, check_source,
                 apply=lambda text, ctx: state.fill_source(box, text, ctx["task"]))


def _decode_fields(source: state.SourceBox) -> tuple[Field, ...]:
    lo, hi, step = decode_widgets.ALPHA_RANGE
    return (
        _source("src", source, "input"),
        Field("k", state.BEAM_SIZE, "beam width K",
              lambda r, c: parse_int(r, 1, server.limits().max_beam_size)),
        Field("alpha", state.ALPHA, "length penalty α",
              lambda r, c: parse_float(r, lo, hi, step), dump=lambda v: f"{v:g}"),
        Field("max_len", state.MAX_LEN, "max output length",
              lambda r, c: parse_int(r, 1, server.limits().max_output_len)),
        Field("n_best", state.N_BEST, "n-best",
              lambda r, c: parse_int(r, 1, decode_widgets.MAX_N_BEST)),
    )


def _label_key(label: str) -> str:
    """"beam 2: 1936-10-11" -> "beam 2" (the Beam view's hypothesis labels)."""
    return label.split(":", 1)[0]


def _labelled(raw: str, ctx: Ctx) -> str:
    labels = {_label_key(label): label for label in ctx["labels"]}
    return labels[parse_choice(raw, list(labels))]


def _states_fields(prefix: str) -> tuple[Field, ...]:
    """Part, layer, direction, LSTM cell state and 2-D/3-D of ``widgets.inside``."""
    def cfg(c: Ctx) -> core.ModelConfig:
        return c["cfg"]
    return (
        Field("states", state.STATES_PART, "states",
              lambda r, c: parse_choice(r, ["encoder", "decoder"])),
        Field("layer", lambda c: state.STATES_LAYER.format(cfg(c).num_layers), "layer",
              lambda r, c: parse_int(r, 1, cfg(c).num_layers) - 1,
              dump=lambda v: str(int(v) + 1)),
        Field("dir", state.STATES_DIRECTION, "direction",
              lambda r, c: ["forward", "backward"].index(parse_choice(
                  r, ["forward", "backward"] if cfg(c).bidirectional else ["forward"])),
              dump=lambda v: ["forward", "backward"][int(v)]),
        Field("cell", state.STATES_CELL, "LSTM cell state",
              lambda r, c: parse_flag(r) and _lstm(cfg(c)), dump=lambda v: "1" if v else "0"),
        *([Field("dims", state.STATES_DIMS, "projection",
                 lambda r, c: int(parse_choice(r.removesuffix("-D").removesuffix("d"),
                                               ["2", "3"])))] if prefix != "replay" else []),
    )


def _picture(key: str, *views: str) -> Field:
    """Presenter mode's picture of ``views`` (``presenter.PICTURES``), by its slug."""
    names = {presenter.slug(n): n for view in views for n in presenter.PICTURES[view]}
    return Field("picture", key, "picture", lambda r, c: names[parse_choice(r, list(names))],
                 dump=presenter.slug)


def _lstm(cfg: core.ModelConfig) -> bool:
    if cfg.cell != "lstm":
        raise ValueError("this model is not an LSTM")
    return True


def _merge(raw: str, tm: core.TrainedModel) -> bool:
    """Attention's "Merge pieces into words" (rows and columns of words): only for an
    attention model that reads or writes subword pieces."""
    value = parse_flag(raw)
    pieces = "subword" in (tm.src_vocab.level, tm.tgt_vocab.level)
    if value and not (tm.model.has_attention and pieces):
        raise ValueError("this model has no attention over subword pieces to merge")
    return value


FIELDS: dict[str, tuple[Field, ...]] = {
    # every page: the sidebar's model (``?present=1`` is ui.presenter's own parameter)
    "shared": (Field("model", state.MODEL, "model", lambda r, c: model_key(r, c["choices"]),
                     dump=model_name),),
    "decode": _decode_fields(state.DECODE_SOURCE),
    "decode.hypothesis": (Field("hyp", state.HYPOTHESIS, "hypothesis",
                                lambda r, c: parse_choice(r, c["labels"])),),
    "beam": _decode_fields(state.BEAM_SOURCE),
    "beam.tree": (Field("step", state.BEAM_STEP, "step",
                        lambda r, c: parse_int(r, 0, c["last"])),
                  Field("pruned", state.BEAM_PRUNED, "pruned candidates",
                        lambda r, c: parse_flag(r), dump=lambda v: "1" if v else "")),
    "beam.attention": (Field("hyp", state.BEAM_ATTENTION, "hypothesis", _labelled,
                             dump=_label_key),),
    "attention": (_source("src", state.INSIDE_SOURCE, "input"),
                  _picture(state.ATTENTION_PICTURE, "attention"),
                  Field("merge", state.MERGE_WORDS, "merging of pieces into words",
                        lambda r, c: _merge(r, c["tm"]), dump=lambda v: "1" if v else "")),
    "attention.step": (Field("step", state.ATTENTION_STEP, "row",
                             lambda r, c: parse_int(r, 0, c["last"])),),
    "hidden-states": (_source("a", state.STATES_A, "input A"),
                      _source("b", state.STATES_B, "input B"), *_states_fields("hidden"),
                      _picture(state.STATES_PICTURE, "hidden-states")),
    "replay": (),
    "replay.run": (Field("replay", state.REPLAY_RUN, "run",
                         lambda r, c: parse_choice(f"run:{r}", c["labels"]),
                         dump=lambda v: v.removeprefix("run:")),),
    "replay.step": (Field("snapshot", state.REPLAY_AT, "snapshot",  # its training step
                          lambda r, c: int(parse_choice(r.strip(), [str(s) for s in c["steps"]])),
                          dump=lambda v: str(v[1]), apply=inside_widgets.open_snapshot),),
    "replay.probe": (_source("probe", state.REPLAY_PROBE, "probe input"),
                     *_states_fields("replay")),
    "compare": (Field("mode", state.COMPARE_MODE, "comparison",
                      lambda r, c: parse_choice(r, ["models", "train"])),
                _picture(state.COMPARE_PICTURE, "compare-models", "compare-train")),
    "compare.task": (Field("task", state.COMPARE_PICK_TASK, "task",
                           lambda r, c: parse_choice(r, list(c["by_task"]))),),
    "compare.pair": (
        Field("a", state.COMPARE_PICK.format("a"), "model A",
              lambda r, c: model_key(r, list(c["names"])), dump=model_name),
        Field("b", state.COMPARE_PICK.format("b"), "model B",
              lambda r, c: model_key(r, list(c["names"])), dump=model_name),
        Field("search", state.COMPARE_STRATEGY, "search",
              lambda r, c: parse_choice(r, ["greedy", "beam"]))),
    "compare.input": (_source("src", state.COMPARE_SOURCE, "input"),),
    "train": (Field("task", state.TRAIN_TASK, "task",
                    lambda r, c: parse_choice(r, list(core.TASKS))),
              Field("decoder", state.TRAIN_DECODER, "decoder",
                    lambda r, c: parse_choice(r, list(CHOICES["decoder"]))),
              _picture(state.TRAIN_PICTURE, "train")),
}
ALL_NAMES = tuple(dict.fromkeys(f.name for fields in FIELDS.values() for f in fields))


def session_key(field: Field, ctx: Ctx) -> str:
    """The session key ``field`` fills for this context."""
    return field.key(ctx) if callable(field.key) else field.key


# ``?run=`` is read by services.training.reattach; only its note is written here
RUN_IDS = Field("run", "", "training run", lambda r, c: r)


def field_of(part: str, name: str) -> Field:
    """The field ``name`` of ``FIELDS[part]`` (``RUN_IDS`` for part "runs")."""
    return RUN_IDS if part == "runs" else next(f for f in FIELDS[part] if f.name == name)
