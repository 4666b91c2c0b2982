"""Task settings for the Train view: g2p, translation and upload options, and a preview.

``task_options(task)`` draws the task's data settings (outside the training form, so a
preview can react) and returns the options ``make_task`` takes, or None when the task
has no usable data yet (the caller then hides the training form).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import seq2seq_core as core
from seq2seq_core.tasks.tatoeba import LANGUAGES, default_dir
from seq2seq_core.tasks.translation import CREDIT
from seq2seq_core.tasks.upload import MAX_BYTES, MIN_PAIRS
from ui import state
from ui.services import task_data
from ui.widgets.common import KEEP


def task_examples(task: str) -> None:
    """The task's example inputs as buttons: a click opens Decode with the shipped
    attention model of the task (when there is one) and the example filled in."""
    examples = core.TASKS[task].examples
    model = f"shipped:{'translation-en-fr' if task == 'translation' else task}-attention"
    if not examples:
        return
    st.caption("Examples: click one to try it in Decode with a shipped model")
    with st.container(horizontal=True, wrap=True):
        for i, text in enumerate(examples):
            if st.button(text, key=state.TASK_EXAMPLE.format(i), on_click=_try_example,
                         args=(model, text, task)):
                st.switch_page("views/decode.py")


def _try_example(model: str, text: str, task: str) -> None:
    state.use_model(model)
    state.fill_source(state.DECODE_SOURCE, text, task)


def _g2p_options() -> dict[str, Any]:
    stress = st.checkbox("Keep stress digits (IY1 vs IY)", value=True, key=state.G2P_STRESS,
                         persist_state=KEEP, help="Off gives the 39 bare phonemes of the "
                         "published benchmarks; the shipped g2p models are trained without.")
    st.caption("Data: the CMU Pronouncing Dictionary (Carnegie Mellon University, "
               "BSD-style licence). Training uses each word's first pronunciation; "
               "evaluation accepts any of them.")
    return {"stress": stress}


def _corpus_source(lang: str) -> dict[str, Any] | None:
    """Where the Tatoeba file comes from: a folder, or an uploaded .txt/.zip."""
    folder = st.text_input("Tatoeba folder", value=str(default_dir() or ""),
                           key=state.TATOEBA_DIR, persist_state=KEEP,
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
    return {"data_dir": folder} if folder else None


def _translation_options() -> dict[str, Any] | None:
    left, right = st.columns(2)
    lang = left.selectbox("Target language", list(LANGUAGES), key=state.TR_LANG,
                          format_func=lambda k: f"English → {LANGUAGES[k]}", persist_state=KEEP)
    with left:
        source = _corpus_source(lang)
    tutorial = right.checkbox("PyTorch tutorial filter: English starts with i am, he is, "
                              "you're, ...", value=True, key=state.TR_TUTORIAL, persist_state=KEEP)
    max_len = right.slider("Most words a side", 3, 40, 10, key=state.TR_MAX_LEN, persist_state=KEEP)
    cap = right.number_input("Keep only sentences of the N most frequent words (0 = all)", 0,
                             100_000, 0, step=500, key=state.TR_MAX_VOCAB, persist_state=KEEP)
    lower = right.checkbox("Lower-case", value=True, key=state.TR_LOWER, persist_state=KEEP)
    heldout = right.number_input("Held-out English sentences", 1, 20_000, 1000, step=100,
                                 key=state.TR_HELDOUT, persist_state=KEEP)
    tok = right.radio("Tokens", ["word", "bpe", "unigram"], horizontal=True, key=state.TR_TOKENS,
                      persist_state=KEEP, format_func={"word": "words", "bpe": "BPE subwords",
                                                       "unigram": "unigram subwords"}.get)
    size = right.number_input("Vocabulary size a side", 100, 16_000, 4000, step=500,
                              key=state.TR_VOCAB_SIZE, persist_state=KEEP,
                              help="Words: the most frequent, the rest become <unk>. "
                              "Subwords: sentencepiece pieces, trained on your data.")
    st.caption(CREDIT + " Nothing is downloaded: point at the files or upload one.")
    if source is None:
        st.info("Set a Tatoeba folder or upload a ManyThings file to train on translation.")
        return None
    return {"lang": lang, "tutorial_prefixes": tutorial, "max_len": int(max_len),
            "max_vocab": int(cap) or None, "lowercase": lower, "tokenization": tok,
            "vocab_size": int(size), "n_heldout": int(heldout), **source}


def _upload_options() -> dict[str, Any] | None:
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
    level = st.radio("Tokens", ["char", "word"], horizontal=True, key=state.PAIRS_LEVEL,
                     persist_state=KEEP, format_func={"char": "characters", "word": "words"}.get)
    return {"pairs": held.value, "level": level, "file_name": held.name}


def task_options(task: str) -> dict[str, Any] | None:
    """The task's data settings -> ``make_task`` options (None: no data yet)."""
    if task == "g2p":
        return _g2p_options()
    if task == "translation":
        return _translation_options()
    if task == "upload":
        return _upload_options()
    return {}


def data_preview(task: str, options: dict[str, Any]) -> bool:
    """For translation and uploads: prepare the data (progress on first use), say what
    was kept, and show how a sentence is split. False (after an error message) when the
    data cannot be used; True otherwise, and for tasks without a preview."""
    if task not in ("translation", "upload"):
        return True
    seed = int(st.session_state.get(state.TRAIN_SEED, 0))  # the form's seed splits the data
    try:
        data = task_data.prepare(task, {**options, "seed": seed})
    except ValueError as err:
        st.error(f"The data cannot be used: {err}")
        return False
    with st.expander(f"Data: {len(data.train):,} training pairs, {len(data.heldout):,} "
                     "held out", expanded=task == "upload"):
        st.markdown("\n".join(f"- {note}" for note in data.notes))
        st.dataframe([{"source": p.source, "target": p.target} for p in data.train[:5]],
                     hide_index=True)
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
