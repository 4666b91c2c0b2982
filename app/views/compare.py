"""Compare view: a fixed context vector against attention, and greedy against beam search.

It opens on the chosen task's shipped pair (``<task>-fixed`` and ``<task>-attention``),
with nothing to train: held-out accuracy by source length from the figures stored beside
the models (Bahdanau et al. 2015, figure 2: one vector stops being enough as sources
grow), one input through both decoders (the attention heatmap next to the fixed model's
single context vector), greedy vs beam for both on the same inputs, and the inputs where
one model is right and the other wrong. Any two models of one task compare the same way
(figures decoded live on a sample for models without stored ones). "Train both" trains a
pair side by side and shows the same contrast appear.
"""

from __future__ import annotations

import itertools

import streamlit as st

import seq2seq_core as core
from seq2seq_core import EvalEvent
from seq2seq_core.server import LimitError, ServerBusy
from ui import charts, presenter, services, state, url_state, widgets
from ui import figures, tables
from ui.services.models import ModelHandle
from ui.text import code_span_safe, md_escape, source_label

POLL_SECONDS = 1.0
PROBES = 3  # held-out sources decoded greedy and beam by both models (live runs)
GREEDY_BEAM_INPUTS = 7  # inputs in the greedy-vs-beam table of two models
SPLIT_SHOWN = 100  # inputs listed where one model is right and the other wrong
EXAMPLES_PER_KIND = 4  # telling-example buttons per kind (the tables list more)


# -- two models that exist -------------------------------------------------------------

def models_by_task() -> dict[str, dict[str, str]]:
    """Task -> {picker key: name} of every model the session can pick, for the tasks with
    at least two (the core's tasks in their order, then any other, e.g. an upload's)."""
    runs = state.runs()
    grouped: dict[str, dict[str, str]] = {}
    for key, name in services.models.model_choices(runs, state.uploads(),
                                                   state.pinned()).items():
        task = services.models.choice_task(key, runs)
        if task:
            grouped.setdefault(task, {})[key] = name
    order = list(core.TASKS) + sorted(set(grouped) - set(core.TASKS))
    return {t: grouped[t] for t in order if len(grouped.get(t, {})) >= 2}


def shipped_pairs() -> dict[str, tuple[str, str]]:
    """Task -> picker keys of its shipped fixed-context model and attention twin."""
    shipped = {m.name: m.task for m in services.models.list_shipped_models()}
    pairs = {}
    for name, task in shipped.items():
        twin = core.twin_name(name)
        if name.endswith("-fixed") and twin in shipped and task not in pairs:
            pairs[task] = (services.models.shipped_key(name), services.models.shipped_key(twin))
    return pairs


def default_task(tasks: list[str]) -> str:
    """The task of the model picked in the sidebar, once the user picked one; else
    reverse (its contrast is the clearest: long strings); else the first. Compare
    follows a new pick in the sidebar; its own task box changes it afterwards."""
    key = state.model_key()
    picked = services.models.choice_task(key, state.runs())
    if key != services.models.shipped_key(services.models.DEFAULT_MODEL) and picked in tasks:
        return picked
    return "reverse" if "reverse" in tasks else tasks[0]


def reference_of(source: str, comparison, examples) -> tuple[str, ...] | None:
    """Every known correct target of ``source``: from the figures, else an example."""
    if comparison is not None:
        for figs in (comparison.a, comparison.b):
            row = figs.by_source().get(source)
            if row is not None:
                return row.references
    return next(((e["reference"],) for e in examples if e["source"] == source), None)


def one_input(handles: list[ModelHandle], names: list[str], comparison,
              examples: tuple[dict, ...]) -> None:
    """The same input through both decoders: outputs, and what each decoder reads."""
    st.subheader("One input, both decoders")
    task = handles[0].task
    first = next((e["source"] for e in examples if e["kind"] == "fixed-vs-attention"),
                 widgets.decode.default_source(task, handles[0].tm))
    url_state.restore("compare.input", tm=handles[0].tm, task=task)
    text = widgets.image_input.source_input("Source text", state.COMPARE_SOURCE, handles[0],
                                            first)
    widgets.examples.telling_examples(handles[1], state.COMPARE_SOURCE, "compare",
                                      kinds=("fixed-vs-attention", "greedy-vs-beam"),
                                      more=handles[:1], most=EXAMPLES_PER_KIND)
    source = text.strip()
    refs = reference_of(source, comparison, examples)
    if refs:
        st.caption(f"Reference: `{code_span_safe(refs[0])}`"
                   + (f" (and {len(refs) - 1} more)" if len(refs) > 1 else ""))
    columns = st.columns(2)
    for letter, handle, name, column in zip("ab", handles, names, columns):
        with column:
            st.markdown(f"**{letter.upper()}: {handle.name}** · {handle.label}")
            try:
                tr = services.inside.trace_text(handle, text)
            except core.InputError as err:
                st.error(md_escape(str(err)))
                continue
            mark = ""
            if refs:
                ok = services.decode.correct(handle, [tr.output_text], list(refs))[0]
                mark = " ✓ matches the reference" if ok else " ✗ not the reference"
            st.code(tr.output_text or " ", language=None)
            st.caption(f"greedy output{mark}")
            if tr.attention is not None:
                figures.show(charts.compare.attention_of(
                    tr, f"{letter.upper()}: where each output token looked"),
                    key=state.COMPARE_PANEL.format(letter), view=f"compare-{letter}",
                    model=handle.name, source=text)
                st.caption("Row t: the attention weights over the source while writing "
                           "output token t; each step builds its own context c_t.")
            else:
                figures.show(charts.compare.context_strip(
                    tr, f"{letter.upper()}: the one context vector c"),
                    key=state.COMPARE_PANEL.format(letter), view=f"compare-{letter}",
                    model=handle.name, source=text)
                reads = ("its decoder reads this one vector at every one of its "
                         f"{len(tr.output_tokens)} output steps"
                         if tr.step_contexts is not None else
                         "it only sets the decoder's first state s_0 (Sutskever)")
                st.caption(f"The encoder's final state: the whole source squeezed into "
                           f"{len(tr.context)} numbers; {reads}.")


def greedy_vs_beam_table(handles: list[ModelHandle], names: list[str], comparison,
                         examples: tuple[dict, ...]) -> None:
    """Both models' greedy and beam outputs on the input above and the telling inputs."""
    st.subheader(f"Greedy vs beam (K={services.zoo.BEAM_SIZE}) on the same inputs")
    own = [[e["source"] for e in services.zoo.examples_of(h) if e["kind"] == "greedy-vs-beam"]
           for h in handles]
    turns = [s for pair in itertools.zip_longest(*own) for s in pair if s]  # A, B, A, ...
    sources = [st.session_state.get(state.COMPARE_SOURCE.text, "").strip(), *turns]
    sources += [e["source"] for e in examples]
    sources = list(dict.fromkeys(s for s in sources if s))[:GREEDY_BEAM_INPUTS]
    outputs: dict[str, list] = {}
    refs = [reference_of(s, comparison, examples) for s in sources]
    try:
        for letter, handle in zip("AB", handles):
            figs = None if comparison is None else (comparison.a if letter == "A"
                                                    else comparison.b)
            outputs[letter] = [services.zoo.outputs(handle, figs, s, r)
                               for s, r in zip(sources, refs)]
    except core.InputError as err:
        st.error(md_escape(str(err)))
        return
    tables.wrapped_table(charts.compare.greedy_beam_frame(
        sources, [r[0] if r else None for r in refs], outputs))
    st.caption(f"A: {md_escape(names[0])} · B: {md_escape(names[1])}. ✓ marks an output "
               "that matches a reference. The first row is the input above; the others "
               "are the models' telling examples.")


def split_panel(names: list[str], comparison, strategy: str, task: str) -> None:
    """The inputs where exactly one of the two models is right."""
    st.subheader("Where one is right and the other wrong")
    if comparison is None:
        st.info("No held-out set both models can read is known, so there is nothing to "
                "count here.")
        return
    a_only, b_only = charts.compare.split_rows(comparison.a, comparison.b, strategy)
    both = len(set(comparison.a.by_source()) & set(comparison.b.by_source()))
    partial = len(comparison.a.rows) < comparison.a.n or len(comparison.b.rows) < comparison.b.n
    search = "greedy" if strategy == "greedy" else f"beam {services.zoo.BEAM_SIZE}"
    st.markdown(f"With {search} search, only **A** is right on **{len(a_only)}** inputs "
                f"and only **B** on **{len(b_only)}**, of the {both:,} inputs both "
                "figures hold.")
    if partial:
        st.caption("The stored figures of these models keep only some rows (the inputs "
                   "where greedy and beam differ, and the examples): a corpus that may not "
                   "be redistributed whole. The counts above cover those rows.")
    rows = (b_only + a_only)[:SPLIT_SHOWN]
    if not rows:
        return
    frame = charts.compare.split_frame(rows, ("A " + search, "B " + search), strategy)
    frame.insert(0, "right", ["only B"] * min(len(b_only), SPLIT_SHOWN)
                 + ["only A"] * (len(rows) - min(len(b_only), SPLIT_SHOWN)))
    tables.show(frame, height=260)
    shown = {f"{source_label(r[0].source, (r[0].references or (None,))[0])}  "
             f"({'only B' if i < len(b_only) else 'only A'} right)":
             r[0].source for i, r in enumerate(rows)}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    state.choice(state.COMPARE_SPLIT_PICK, list(shown))
    pick = left.selectbox("Look at one of these inputs", list(shown),
                          key=state.COMPARE_SPLIT_PICK)
    right.button("Show it above", key=state.COMPARE_SPLIT_USE, on_click=state.fill_source,
                 args=(state.COMPARE_SOURCE, shown[pick], task))


def two_models() -> None:
    by_task = models_by_task()
    if not by_task:
        st.info("Compare needs two models of one task: train one on the Train page, or "
                "train a pair here with Train both.")
        return
    start = default_task(list(by_task))
    if st.session_state.get(state.COMPARE_SIDEBAR) != state.model_key():
        st.session_state[state.COMPARE_SIDEBAR] = state.model_key()  # a new sidebar pick:
        st.session_state[state.COMPARE_PICK_TASK] = start  # follow its task
    url_state.restore("compare.task", by_task=by_task)  # a link's pair, once
    picked = st.session_state.get(state.COMPARE_PICK_TASK)
    url_state.restore("compare.pair", names=by_task.get(picked, by_task[start]))
    task, key_a, key_b, strategy = widgets.compare.pair_picker(by_task, start,
                                                               shipped_pairs())
    if key_a == key_b:
        st.info("Pick two different models.")
        return
    try:
        handles = [services.models.resolve_model(k, state.runs()) for k in (key_a, key_b)]
    except core.CheckpointError as err:
        st.error(f"This model cannot be loaded: {md_escape(str(err))}")
        return
    if any(h is None for h in handles):
        st.info("One of these models is gone; pick another.")
        return
    names = [f"{letter}: {by_task[task][k]}" for letter, k in zip("AB", (key_a, key_b))]
    only = presenter.one_picture(STORED_PICTURES, state.COMPARE_PICTURE)
    notice = st.empty()
    comparison = services.zoo.comparison(handles[0], handles[1], state.runs(),
                                         on_start=notice.info)
    notice.empty()
    if comparison is None:
        st.info("No held-out set both models can read is known (an uploaded model's own "
                "pairs cannot be regenerated); the input below still goes through both.")
    elif only in (None, STORED_PICTURES[0]):
        named = [(names[0], comparison.a), (names[1], comparison.b)]
        figures.show(charts.compare.figures_by_length(named, strategy),
                     key=state.COMPARE_BY_LENGTH_STORED, view="compare-by-length",
                     model=f"{handles[0].name}-vs-{handles[1].name}")
        if comparison.a.overall == comparison.b.overall:
            st.caption("The two lines coincide: both models score the same on these "
                       "inputs (the dates pair is right on every one). The reverse pair "
                       "shows the fixed context vector's limit on long inputs.")
        tables.show(charts.compare.overall_frame(named),
                    percent=("exact match", "word accuracy", "phoneme error rate"))
        st.caption(f"Over {comparison.where}. The shipped fixed-context and attention pair "
                   "of a task to start with; any two models of one task (your runs and "
                   "uploads too) compare the same way.")
    examples = tuple({(e["kind"], e["source"]): e for h in handles
                      for e in services.zoo.examples_of(h)}.values())
    if only in (None, STORED_PICTURES[1]):
        one_input(handles, names, comparison, examples)
    if only in (None, STORED_PICTURES[2]):
        greedy_vs_beam_table(handles, names, comparison, examples)
    if only in (None, STORED_PICTURES[3]):
        split_panel(names, comparison, strategy, task)


# -- two models trained side by side ---------------------------------------------------

def greedy_vs_beam(entries: list[state.RunEntry], event: EvalEvent) -> None:
    """Both models' greedy and beam outputs on the same held-out sources (the latest
    evaluation's samples)."""
    handles = [services.models.resolve_model(e.key, state.runs()) for e in entries]
    samples = event.samples[:PROBES]
    if any(h is None for h in handles) or not samples:
        return
    sources, refs = [s[0] for s in samples], [s[1] for s in samples]
    cfg = core.DecodeConfig(beam_size=5, max_len=max(len(r) for r in refs) + 5)
    outputs = {}
    for letter, handle in zip("AB", handles):
        rows = []
        for src, ref in zip(sources, refs):
            greedy, beam = services.decode.greedy_and_beam(handle, src, cfg)
            texts = [greedy.best.text, beam.best.text]
            rows.append(tuple(zip(texts, services.decode.correct(handle, texts, [ref]))))
        outputs[letter] = rows
    st.markdown("**Greedy vs beam (K=5) on the same held-out inputs**")
    tables.wrapped_table(charts.compare.greedy_beam_frame(sources, refs, outputs))


def live_compare(entries: list[state.RunEntry], polling: bool, only: str | None) -> None:
    named = [(f"{letter}: {e.label}", e.run.snapshot()) for letter, e in zip("AB", entries)]
    for name, snap in named:
        if snap.status == "error":
            st.error(f"{md_escape(name)} failed: {md_escape(str(snap.error))}")
    st.progress(min(sum(s.step for _, s in named) / sum(s.total_steps for _, s in named), 1.0),
                text=" · ".join(f"{n.split(':')[0]} {s.status} {s.step}/{s.total_steps}"
                                for n, s in named) + f" · {named[0][1].elapsed_s:.0f} s")
    latest = [(name, snap.evals[-1]) for name, snap in named if snap.evals]
    if latest and only in (None, LIVE_PICTURES[0]):
        figures.show(charts.compare.accuracy_by_length(latest), key=state.COMPARE_BY_LENGTH,
                     view="compare-by-length", model="-vs-".join(e.name for e in entries))
    if only in (None, LIVE_PICTURES[1]):
        figures.show(charts.compare.compare_curves(named), key=state.COMPARE_CURVES,
                     view="compare-curves", model="-vs-".join(e.name for e in entries))
    if latest and only in (None, LIVE_PICTURES[2]):
        tables.show(charts.compare.alignment_frame(named),
                    percent=("exact match", "token accuracy"))
        greedy_vs_beam(entries, latest[0][1])
    if polling and not any(s.active for _, s in named):
        st.rerun()


def train_both() -> None:
    st.caption("Two models, the same data, seed and training budget, trained at the same "
               "time. The defaults (reverse, strings of 4-12 characters) were chosen by "
               "measurement: on one core attention pulls ahead on the longest strings "
               "within about a minute, while the fixed context vector stays near zero "
               "there.")
    ss = st.session_state
    collapse = ss.pop(state.COMPARE_COLLAPSE, False)  # a pair just started: curves first
    if collapse or state.COMPARE_SETTINGS not in ss:
        ss[state.COMPARE_SETTINGS] = (not collapse and not state.compare_runs()
                                      and not presenter.is_on())
    with st.expander("Settings: task, models and training", key=state.COMPARE_SETTINGS,
                     on_change="rerun"):
        try:
            submitted = widgets.compare.compare_form(running=state.active_run() is not None)
        except ValueError as err:
            st.error(f"These settings cannot be trained: {err}")  # our own message
            submitted = None
    if submitted and state.active_run() is None:
        spec, variants, labels = submitted
        try:
            runs = services.training.start_comparison(spec, variants)
        except (LimitError, ServerBusy) as err:
            st.error(str(err))  # our own message
        else:
            state.set_compare_runs([state.add_run(r, lab, spec.task)
                                    for r, lab in zip(runs, labels)])
            ss[state.COMPARE_COLLAPSE] = True
            st.rerun()

    entries = state.compare_runs()
    if not entries:
        st.info("No comparison yet: choose settings above and press Train both.")
        return
    active = any(e.run.snapshot().active for e in entries)
    if active:
        st.button("Stop both", key=state.COMPARE_STOP,
                  on_click=lambda: [e.run.stop() for e in entries])
    only = presenter.one_picture(LIVE_PICTURES, state.COMPARE_PICTURE)
    poll = st.fragment(live_compare, run_every=POLL_SECONDS if active else None)
    poll(entries, active, only)


# presenter mode shows one of these at a time (``presenter.one_picture``)
STORED_PICTURES = presenter.PICTURES["compare-models"]
LIVE_PICTURES = presenter.PICTURES["compare-train"]

st.title("Compare: fixed context vs attention")
url_state.sync("compare")
if widgets.compare.mode_picker() == "train":
    train_both()
else:
    two_models()
