"""Beam search view: watch the search step by step, steer it, and measure it."""

from __future__ import annotations

import streamlit as st
from ui import charts, services, state, url_state, widgets
from ui import figures, presenter, tables
from ui import text as text_md
from ui.services.models import ModelHandle

import seq2seq_core as core


def force_panel(handle: ModelHandle, text: str, cfg: core.DecodeConfig,
                tree: core.BeamTree, options: dict[int, str],
                own: dict[str, core.Hypothesis]) -> core.Hypothesis | None:
    """Be the beam: force any node's prefix and let greedy or beam search finish it."""
    node, strategy = widgets.beam.force_controls(options)
    if node is None:
        return None
    prefix = tree.prefix_ids(node)
    if tree.nodes[node].status == "pruned" and not widgets.beam.show_pruned():
        st.caption("This node is a pruned candidate: switch on Show pruned candidates "
                   "under the tree to see it there.")
    forced = services.decode.search(handle, text, core.DecodeConfig(
        strategy=strategy, beam_size=cfg.beam_size, length_penalty=cfg.length_penalty,
        max_len=max(cfg.max_len, len(prefix)), n_best=cfg.n_best), prefix)
    hyp, mine = forced.best, own[strategy]
    c1, c2, c3 = st.columns([2, 1, 1])
    vocab = handle.tm.tgt_vocab
    prefix_md = text_md.code_span_safe(charts.beam.prefix_text(tree, node, vocab))
    c1.markdown(f"Forced `{prefix_md}`, then {strategy} search:")
    c1.code(hyp.text or " ", language=None)
    c2.metric("log-prob (vs the model's own)", f"{hyp.score:.4f}",
              f"{hyp.score - mine.score:+.4f} nats")
    c3.metric(f"normalised, α={cfg.length_penalty:g} (vs own)", f"{hyp.normalized_score:.4f}",
              f"{hyp.normalized_score - mine.normalized_score:+.4f}")
    st.caption(f"The model's own {strategy} output is `{text_md.code_span_safe(mine.text)}` "
               f"(log-prob {mine.score:.4f}). A forced output that scores higher is one the "
               "search missed: a search error. Purple diamonds are your forced tokens.")
    figures.show(charts.beam.beam_tree_figure(
        forced.tree, vocab, alpha=cfg.length_penalty, best=hyp,
        label_px=presenter.label_px(charts.beam.LABEL_PX)), key=state.BEAM_FORCED_CHART,
        view="beam-forced", model=handle.name, source=text)
    return hyp


def sweep_panel(handle: ModelHandle, heldout: tuple[core.Pair, ...],
                references: dict[str, tuple[str, ...]], max_len: int) -> None:
    """Exact match, log-prob, length and search vs model errors for widths 1-16."""
    if not heldout:
        st.info("This model's held-out set cannot be regenerated, so there is nothing to "
                "sweep over.")
        return
    n, run = widgets.beam.sweep_controls(len(heldout), handle.tm.model.cfg.tgt_vocab_size)
    pairs, rows = heldout[:n], None
    if run:
        with st.status(f"Sweeping beam widths over {n} held-out pairs...") as status:
            rows = services.decode.sweep(handle, pairs, max_len, references, lambda message:
                                         status.update(label=f"Sweep: {message}..."))
            status.update(label=f"Sweep done: {n} held-out pairs", state="complete")
    elif services.decode.sweep_done(handle, pairs, max_len):
        rows = services.decode.sweep(handle, pairs, max_len)
    if rows:
        figures.show(charts.sweep.sweep_figure(rows), key=state.SWEEP_CHART,
                     view="beam-sweep", model=handle.name)
        st.caption("Each wrong output is checked against an exact search of the model's "
                   "own best output. **Search error**: the model gives some other output a "
                   "higher probability than the beam's (a wider beam could fix it). **Model "
                   "error**: the beam's output is the model's most probable one, and it is "
                   "still wrong (only training can fix it). Unknown: the exact search ran "
                   "out of budget. A width above the tokens the model can produce is "
                   "searched as that many, as beam search itself clamps it.")
        tables.show(charts.sweep.sweep_frame(rows),
                    percent=charts.sweep.percent_columns(rows))


st.title("Beam search")
handle = widgets.sidebar.picked_model()
url_state.sync("beam", handle=handle)
widgets.sidebar.model_line(handle, "what does beam search do that greedy does not, and "
                                   "when does it help?")

task = core.TASKS.get(handle.task)
heldout_refs = services.decode.heldout_with_references(handle, state.runs())
heldout = tuple(p for p, _ in heldout_refs)
references = {p.source: refs for p, refs in heldout_refs}  # every correct target


def source(picture) -> str:
    """The strip input (held-out strips are offered there), or a text source with the
    held-out picker."""
    if widgets.image_input.is_image_model(handle.tm):
        return widgets.image_input.strip_input(state.BEAM_SOURCE, handle,
                                               widgets.decode.first_source(handle), picture)
    return widgets.beam.source_picker(handle.task, handle.tm, heldout)


text, cfg = widgets.decode.source_and_settings(source)  # the tree next
try:
    greedy, beam = services.decode.greedy_and_beam(handle, text, cfg)
except core.InputError as err:
    st.error(text_md.md_escape(str(err)))  # it may quote the user's text
    url_state.stop()


def matches(hyps: list[core.Hypothesis]) -> list[bool] | None:
    """Whether each output is correct against the held-out references (None: unknown)."""
    return None if reference is None else services.decode.correct(
        handle, [h.text for h in hyps], reference)


tree = beam.tree
vocab = handle.tm.tgt_vocab
# no heading over the tree: Play, the step slider and the caption name it, and its 60 px
# go to the tree on a 1280x720 screen
widgets.beam.reset_steps((handle.key, text, cfg), tree.num_steps)
url_state.restore("beam.tree", last=tree.num_steps)  # a link's step, once the tree is known
node_options = charts.beam.node_options(tree, vocab)
selected = widgets.beam.selected_node(node_options)


def draw_tree(step: int):
    url_state.write_in_fragment()  # the player reruns alone: the step in the URL
    return charts.beam.beam_tree_figure(
        tree, vocab, alpha=cfg.length_penalty, upto=step, best=beam.best, greedy=greedy.best,
        selected=selected, label_px=presenter.label_px(charts.beam.LABEL_PX),
        pruned=widgets.beam.show_pruned())


widgets.beam.tree_player(draw_tree, tree.num_steps,
                         lambda step: widgets.beam.step_summary(tree, step), node_options,
                         model=handle.name, source=text)
st.caption("Blue circles stayed in the beam, green squares finished with `<eos>`; with "
           "Show pruned candidates, grey ones were pruned. Red: the best path; orange "
           "band: greedy's path; orange ring: where greedy and beam part. Play, or move "
           "the step slider.")
if not widgets.image_input.is_image_model(handle.tm):
    widgets.beam.examples_panel(handle.task, task.examples if task else (), heldout)
telling = widgets.examples.telling_examples(handle, state.BEAM_SOURCE, "beam")
reference = references.get(text.strip())
if reference is None:  # a telling example of a model whose held-out set is not at hand
    reference = next(((e["reference"],) for e in telling if e["source"] == text.strip()),
                     None)

st.subheader("n-best list")
tables.show(charts.decode.nbest_table(beam, matches(list(beam.hypotheses))))
if reference is None:
    st.caption("Pick a held-out example to see which hypotheses match its reference.")

st.subheader("Be the beam: force a prefix")
forced = force_panel(handle, text, cfg, tree, node_options,
                     {"greedy": greedy.best, "beam": beam.best})

st.subheader("Compare with sampling")
temperature, top_k, n_samples = widgets.beam.sampling_controls()
samples = [(f"sample, seed {seed}", services.decode.search(handle, text, core.DecodeConfig(
    strategy="sample", max_len=cfg.max_len, beam_size=1, n_best=1, temperature=temperature,
    top_k=top_k, seed=seed)).best) for seed in range(n_samples)]
rows = [("greedy", greedy.best), (f"beam K={cfg.beam_size}, best", beam.best), *samples]
tables.show(charts.beam.strategies_table(rows, cfg.length_penalty,
                                         matches([h for _, h in rows])))
st.caption("Samples draw each token from softmax(logits / temperature) over the top-k "
           "tokens; every log-prob is the model's own (temperature 1), so the rows compare.")

st.subheader("Attention of any hypothesis")
options = charts.decode.hypothesis_options(greedy, beam)
if forced is not None:
    options["forced"] = forced
options.update(samples)
url_state.restore("beam.attention", labels=list(widgets.beam.attention_labels(options)))
picked = widgets.beam.attention_picker(options)
if handle.has_attention:
    figures.show(charts.decode.attention_heatmap(picked, tree.source_tokens),
                 key=state.BEAM_ATTENTION_HEATMAP, view="beam-attention", model=handle.name,
                 source=text)
else:
    st.info("This fixed-context model has no attention to show: its decoder reads the same "
            "context vector c, the encoder's summary of the whole source, at every step.")

st.subheader("Search quality: beam-width sweep")
sweep_panel(handle, heldout, references, cfg.max_len)
