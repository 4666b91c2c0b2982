"""Task settings for the Train view, drawn from each task's options dataclass, and a preview.

``task_options(task)`` draws one control per ``OptionSpec`` of the task
(``seq2seq_core.tasks.TASKS[task].option_specs``: a check box for a bool, a radio or
select box for a choice, a slider or number box for a number, a text box for text; a
``min_x``/``max_x`` pair of one range is one range slider) outside the training form, so
a preview can react, and returns the options ``make_task`` takes, or None when the task
has no usable data yet (the caller then hides the training form). Where the data comes
from follows the task's flags, not its name: a task that ``reads_data`` gets the corpus
folder or upload (in place of its ``data_dir`` option) and a held-out count; a
``pairs_file`` task asks for the pairs file before anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.tasks import CREDIT, LANGUAGES, MAX_BYTES, MIN_PAIRS, OptionSpec, default_dir
from ui import state, tables
from ui.text import source_label
from ui.services import models, task_data
from ui.widgets.common import KEEP

# The session key of each task option's control (task, option) -> a ``ui.state`` key: a
# new option adds its key here and in ui.state. A min_x/max_x pair shares one (a range).
KEYS: dict[tuple[str, str], str] = {
    ("reverse", "min_len"): state.TRAIN_LENGTHS, ("reverse", "max_len"): state.TRAIN_LENGTHS,
    ("g2p", "stress"): state.G2P_STRESS,
    ("translation", "lang"): state.TR_LANG, ("translation", "tokenization"): state.TR_TOKENS,
    ("translation", "vocab_size"): state.TR_VOCAB_SIZE,
    ("translation", "max_len"): state.TR_MAX_LEN,
    ("translation", "max_vocab"): state.TR_MAX_VOCAB,
    ("translation", "tutorial_prefixes"): state.TR_TUTORIAL,
    ("translation", "lowercase"): state.TR_LOWER,
    ("translation", "data_dir"): state.TATOEBA_DIR,
    ("upload", "level"): state.PAIRS_LEVEL,
    ("digits", "min_digits"): state.DIGITS_RANGE, ("digits", "max_digits"): state.DIGITS_RANGE,
}
# How a choice reads in the form (the value itself where an option has no entry).
CHOICE_NAMES: dict[str, Callable[[Any], str]] = {
    "lang": lambda k: f"English → {LANGUAGES.get(k, k)}",
    "tokenization": {"word": "words", "bpe": "BPE subwords",
                     "unigram": "unigram subwords"}.get,
    "level": {"char": "characters", "word": "words"}.get,
}
# Tasks whose options the training form still draws itself: train.py's form draws
# reverse's string lengths (state.TRAIN_LENGTHS). Empty once it leaves them to this loop.
DRAWN_BY_FORM = frozenset({"reverse"})
DATA_DIR = "data_dir"  # the option a task that reads_data takes its corpus folder in
RADIO_MAX = 4  # more choices than this: a select box
SLIDER_SPAN = 100  # a whole-number range this narrow: a slider


def option_key(task: str, name: str) -> str:
    """The session key of ``task``'s option ``name`` (``KEYS``). Raises KeyError naming
    the option when it has none yet."""
    try:
        return KEYS[(task, name)]
    except KeyError:
        raise KeyError(f"task option {task}.{name} has no session key: add one to ui.state "
                       "and to KEYS in ui/widgets/task_options.py") from None


def task_examples(task: str) -> None:
    """The task's example inputs as buttons: a click opens Decode with the task's shipped
    attention model (else its first shipped model, else the default) and the example."""
    examples = core.TASKS[task].examples
    if not examples:
        return
    shipped = [m for m in models.list_shipped_models() if m.task == task]
    pick = next((m for m in shipped if "attention" in m.label), shipped[0] if shipped else None)
    model = f"shipped:{pick.name if pick else models.DEFAULT_MODEL}"
    st.caption("Examples: click one to try it in Decode with a shipped model")
    with st.container(horizontal=True, wrap=True):
        for i, text in enumerate(examples):
            if st.button(text, key=state.TASK_EXAMPLE.format(i), on_click=_try_example,
                         args=(model, text, task)):
                st.switch_page("views/decode.py")


def _try_example(model: str, text: str, task: str) -> None:
    state.use_model(model)
    state.fill_source(state.DECODE_SOURCE, text, task)


def _label(spec: OptionSpec) -> str:
    return spec.label[:1].upper() + spec.label[1:]


def _ranges(specs: Sequence[OptionSpec]) -> dict[str, OptionSpec]:
    """min_x name -> max_x spec, for every pair of whole-number options over one range."""
    by_name = {s.name: s for s in specs}
    out = {}
    for s in specs:
        top = by_name.get("max_" + s.name.removeprefix("min_"))
        if (s.name.startswith("min_") and top is not None and s.kind == top.kind == "int"
                and (s.low, s.high) == (top.low, top.high) and None not in (s.low, s.high)):
            out[s.name] = top
    return out


def _number(spec: OptionSpec, key: str) -> int | float | None:
    """A slider for a narrow whole-number range, else a number box (empty: None, for an
    optional option)."""
    whole = spec.kind == "int"
    cast = int if whole else float
    low = None if spec.low is None else cast(spec.low)
    high = None if spec.high is None else cast(spec.high)
    common = {"key": key, "help": spec.help, "persist_state": KEEP}
    if whole and low is not None and high is not None and high - low <= SLIDER_SPAN \
            and not spec.optional:
        return int(st.slider(_label(spec), low, high, int(spec.default), **common))
    step = max(1, 10 ** (len(str(int(high))) - 3)) if whole and high else (1 if whole else None)
    value = st.number_input(_label(spec), min_value=low, max_value=high,
                            value=None if spec.default is None else cast(spec.default),
                            step=step, **common)
    return None if value is None else cast(value)


def _control(spec: OptionSpec, key: str) -> Any:
    """One control for ``spec``; returns its value as the option takes it."""
    common = {"key": key, "help": spec.help, "persist_state": KEEP}
    if spec.kind == "bool":
        return bool(st.checkbox(_label(spec), value=bool(spec.default), **common))
    if spec.kind == "choice":
        options = list(spec.choices)
        shown = CHOICE_NAMES.get(spec.name)
        fmt = (lambda v: shown(v) or str(v)) if shown else str
        index = options.index(spec.default) if spec.default in options else 0
        if len(options) <= RADIO_MAX:
            return st.radio(_label(spec), options, index=index, horizontal=True,
                            format_func=fmt, **common)
        return st.selectbox(_label(spec), options, index=index, format_func=fmt, **common)
    if spec.kind in ("int", "float"):
        return _number(spec, key)
    text = st.text_input(_label(spec), value=spec.default or "", **common)
    return text or (None if spec.optional else "")


def _controls(task: str, specs: Sequence[OptionSpec]) -> dict[str, Any]:
    """One control per spec (a range pair as one range slider) -> option values."""
    ranges, values = _ranges(specs), {}
    tops = {top.name for top in ranges.values()}
    for spec in specs:
        if spec.name in tops:
            continue
        top = ranges.get(spec.name)
        if top is None:
            values[spec.name] = _control(spec, option_key(task, spec.name))
            continue
        low, high = st.slider(f"{_label(spec)} to {top.label}", int(spec.low), int(spec.high),
                              (int(spec.default), int(top.default)), help=spec.help,
                              key=option_key(task, spec.name), persist_state=KEEP)
        values[spec.name], values[top.name] = int(low), int(high)
    return values


def _corpus_source(task: str, lang: str) -> dict[str, Any] | None:
    """Where the corpus comes from: a folder (the task's ``data_dir``), or an uploaded
    .txt/.zip, which wins while it is there."""
    folder = st.text_input("Tatoeba folder", value=str(default_dir() or ""),
                           key=option_key(task, DATA_DIR), persist_state=KEEP,
                           help="Holds <lang>-eng/<lang>.txt, <lang>.txt or <lang>-eng.zip "
                           "from manythings.org/anki (or set SEQ2SEQ_TATOEBA_DIR).")
    upload = st.file_uploader(f"...or upload {lang}-eng.zip / {lang}.txt", type=["zip", "txt"],
                              key=state.TATOEBA_FILE)
    held, error = task_data.accept_corpus(upload.getvalue() if upload else None,
                                          upload.name if upload else "")
    if error:
        st.error(error + ("" if held is None else f" Still using {held.name}."))
    if held is not None:
        return {"data": held.value, "data_name": held.name}
    return {DATA_DIR: folder} if folder else None


def _pairs_source() -> dict[str, Any] | None:
    """The user's pairs file: the last good one stays while a bad one is refused."""
    upload = st.file_uploader("Your pairs: source<TAB>target (.tsv/.txt) or source,target "
                              "(.csv), UTF-8", type=["tsv", "csv", "txt"], key=state.PAIRS_FILE,
                              help=f"At most {MAX_BYTES // 1_000_000} MB, at least "
                              f"{MIN_PAIRS} pairs. Quotes are kept as typed.")
    held, error = task_data.accept_pairs(upload.getvalue() if upload else None,
                                         upload.name if upload else "")
    if error:
        st.error(error)
        if held is not None:
            st.info(f"Still using {held.name} ({len(held.value):,} pairs).")
    if held is None:
        st.info("Upload a file of your own pairs to train on them.")
        return None
    return {"pairs": held.value, "file_name": held.name}


def _corpus_task(task: str, specs: Sequence[OptionSpec]) -> dict[str, Any] | None:
    """A task that reads a corpus: the source on the left, its options and how many
    sources to hold out on the right."""
    left, right = st.columns(2)
    with right:
        values = _controls(task, [s for s in specs if s.name != DATA_DIR])
        held_out = st.number_input("Held-out sources", 1, 20_000, 1000, step=100,
                                   key=state.TR_HELDOUT, persist_state=KEEP,
                                   help="Distinct source sentences kept out of training, "
                                   "with every translation as a reference.")
    with left:
        source = _corpus_source(task, values.get("lang", ""))
    st.caption(CREDIT + " Nothing is downloaded: point at the files or upload one.")
    if source is None:
        st.info("Set a Tatoeba folder or upload a ManyThings file to train on this task.")
        return None
    return {**values, "n_heldout": int(held_out), **source}


def task_options(task: str) -> dict[str, Any] | None:
    """The task's settings -> ``make_task`` options (None: no data yet)."""
    info = core.TASKS[task]
    if task in DRAWN_BY_FORM:
        return {}
    if info.reads_data:
        return _corpus_task(task, info.option_specs)
    source: dict[str, Any] = {}
    if info.pairs_file:
        source = _pairs_source()
        if source is None:
            return None
    return {**_controls(task, info.option_specs), **source}


def data_preview(task: str, options: dict[str, Any]) -> bool:
    """For tasks whose data the user gives (a corpus, a pairs file): prepare the data
    (progress on first use), say what was kept, and show how a sentence is split. False
    (after an error message) when the data cannot be used; True otherwise, and for tasks
    without a preview."""
    info = core.TASKS[task]
    if not (info.reads_data or info.pairs_file):
        return True
    seed = int(st.session_state.get(state.TRAIN_SEED, 0))  # the form's seed splits the data
    try:
        data = task_data.prepare(task, {**options, "seed": seed})
    except ValueError as err:
        st.error(f"The data cannot be used: {err}")
        return False
    with st.expander(f"Data: {len(data.train):,} training pairs, {len(data.heldout):,} "
                     "held out", expanded=info.pairs_file):
        st.markdown("\n".join(f"- {note}" for note in data.notes))
        tables.wrapped_table([{"source": source_label(p.source, p.target), "target": p.target}
                              for p in data.train[:5]])
    if data.vocabs is not None:
        split_preview(data)
    return True


def split_preview(data: core.TaskData) -> None:
    """A sentence and its tokens as the task's source vocabulary splits it."""
    src_vocab = data.vocabs[0]
    text = st.text_input("See how a sentence is split", value=data.heldout[0].source,
                         key=state.SPLIT_TEXT)
    tokens = src_vocab.split(text)
    unknown = set(src_vocab.unknown_tokens(text))
    st.markdown(" ".join(f"`{t}`" + ("*" if t in unknown else "") for t in tokens)
                + f"  \n{len(tokens)} {src_vocab.level} tokens"
                + (f"; * = not in the vocabulary ({len(unknown)})" if unknown else ""))
