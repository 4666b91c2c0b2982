"""Widget groups of the Beam search view: the source, the tree player (step slider,
Play, click a node), forcing a node, sampling settings and the sweep's controls.
Keys are ``ui.state.BEAM_*`` and ``SWEEP_*``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

import seq2seq_core as core
from seq2seq_core.search import searched_widths
from ui import figures, state
from ui.charts import slides
from ui.state import BEAM_CLICKED, BEAM_FORCE_NODE, BEAM_SOURCE, BEAM_TREE_CHART
from ui.widgets import player
from ui.widgets.common import KEEP
from ui.widgets.decode import default_source, example_buttons, source_box

PLAYER = player.PlayerKeys(state.BEAM_STEP, state.BEAM_PLAY, state.BEAM_PLAYING,
                           state.BEAM_JUST_STARTED, state.BEAM_TREE_SIG)
HELDOUT_SHOWN = 100  # held-out pairs offered in the picker


def source_picker(task: str, tm: core.TrainedModel, heldout: tuple[core.Pair, ...]) -> str:
    """The source input (it starts on a readable example or held-out source)."""
    default = default_source(task, tm, lambda: [p.source for p in heldout])
    return source_box("Source text", BEAM_SOURCE, default, task)


def examples_panel(task: str, examples: tuple[str, ...],
                   heldout: tuple[core.Pair, ...]) -> None:
    """Example buttons and a held-out picker (its reference is known) that fill the
    source; drawn below the tree, which comes first on the screen."""
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with left:
        example_buttons(examples, task, BEAM_SOURCE, state.BEAM_EXAMPLE)
    if heldout:  # labels are the values: another model's pairs never show stale text
        shown = {f"{p.source}  →  {p.target}": p.source for p in heldout[:HELDOUT_SHOWN]}
        state.choice(state.BEAM_HELDOUT, list(shown))
        pick = right.selectbox("Held-out example (reference known)", list(shown),
                               key=state.BEAM_HELDOUT)
        right.button("Use this held-out example", key=state.BEAM_USE_HELDOUT,
                     on_click=state.fill_source, args=(BEAM_SOURCE, shown[pick], task))


def reset_steps(signature: tuple, last: int) -> None:
    """Show the whole tree again (and stop playing) when a new search comes in."""
    if player.reset(PLAYER, signature, last):
        st.session_state.pop(BEAM_FORCE_NODE, None)


def _clicked(options: dict[int, str]) -> None:
    """A node was clicked in the tree: make it the node to force."""
    event = st.session_state.get(BEAM_TREE_CHART)
    points = event.selection.points if event is not None else []
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    if ids and int(ids[0]) in options:
        st.session_state[BEAM_FORCE_NODE] = options[int(ids[0])]
        st.session_state[BEAM_CLICKED] = True


def selected_node(options: dict[int, str]) -> int | None:
    """The node picked to force (its id), or None."""
    picked = st.session_state.get(BEAM_FORCE_NODE)
    return next((i for i, label in options.items() if label == picked), None)


def show_pruned() -> bool:
    """Whether the tree draws its pruned candidates: the toggle's value, off by default
    (the tree of kept and finished hypotheses fits a 1280x720 screen with its controls;
    with the candidates each step dropped it is about twice as tall)."""
    return bool(st.session_state.setdefault(state.BEAM_PRUNED, False))


def tree_player(draw: Callable[[int], object], last: int, summary: Callable[[int], str],
                options: dict[int, str], *, model: str = "", source: str = "") -> None:
    """Step slider, Play/Pause and the tree ``draw(step)`` in a fragment
    (``player.step_player``): moving the slider or playing reruns only this panel;
    clicking a node picks it to force. The tree as shown exports as SVG (camera) or
    HTML, named after ``model`` and ``source``."""

    def panel(step: int) -> bool:
        fig = draw(step)
        figures.show(fig, key=BEAM_TREE_CHART, view="beam", model=model, source=source,
                     on_select=partial(_clicked, options), selection_mode="points")
        st.caption(summary(step))
        st.toggle("Show pruned candidates", key=state.BEAM_PRUNED, persist_state=KEEP,
                  help="The candidates each step scored and dropped (grey). The tree "
                       "grows about twice as tall: scroll to see all of it on a small "
                       "screen.")
        figures.html_download(fig, key=state.BEAM_TREE_EXPORT, label="Export the tree (HTML)",
                              name=slides.export_name(f"beam-step{step}", model, source))
        return st.session_state.pop(BEAM_CLICKED, False)  # the forcing panel shows it

    player.step_player(PLAYER, last, panel, help="Reveal the search one step at a time.")


def force_controls(options: dict[int, str]) -> tuple[int | None, str]:
    """Node to force (any recorded node) and the search that continues from it."""
    ss = st.session_state
    if ss.get(BEAM_FORCE_NODE) not in options.values():
        ss[BEAM_FORCE_NODE] = None
    left, right = st.columns([3, 1])
    left.selectbox("Node to force (or click one in the tree)", list(options.values()),
                   key=BEAM_FORCE_NODE, placeholder="Pick any node, kept or pruned")
    strategy = right.radio("Continue with", ["greedy", "beam"], horizontal=True,
                           key=state.BEAM_FORCE_STRATEGY, persist_state=KEEP)
    return selected_node(options), strategy


def sampling_controls() -> tuple[float, int, int]:
    """Temperature, top-k and how many samples (seeds 0..n-1) to draw."""
    c1, c2, c3 = st.columns(3)
    temperature = c1.slider("Temperature", 0.1, 3.0, 1.0, 0.1, key=state.BEAM_TEMPERATURE,
                            persist_state=KEEP, help="Logits are divided by it: below 1 "
                            "sharpens the distribution, above 1 flattens it.")
    top_k = c2.number_input("Top-k (0 = all tokens)", 0, 1000, 0, key=state.BEAM_TOP_K,
                            persist_state=KEEP)
    n = c3.number_input("Samples (seeds 0, 1, ...)", 1, 10, 5, key=state.BEAM_SAMPLES,
                        persist_state=KEEP)
    return float(temperature), int(top_k), int(n)


def attention_labels(options: dict[str, core.Hypothesis]) -> dict[str, core.Hypothesis]:
    """{"beam 2: 1936-10-11": hypothesis}: the attention picker's options."""
    return {f"{k}: {h.text}": h for k, h in options.items()}


def attention_picker(options: dict[str, core.Hypothesis]) -> core.Hypothesis:
    """Which hypothesis' attention to show (labels "beam 2: 1936-10-11" are the values,
    so a new input never shows stale text)."""
    labels = attention_labels(options)
    state.choice(state.BEAM_ATTENTION, list(labels))
    return labels[st.selectbox("Hypothesis", list(labels), key=state.BEAM_ATTENTION)]


def sweep_controls(available: int, tgt_vocab_size: int) -> tuple[int, bool]:
    """Held-out pairs to sweep over and whether the Run button was clicked; the button
    names the widths the sweep will really search for this model's vocabulary."""
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    n = left.number_input("Held-out pairs", 1, available, min(200, available),
                          key=state.SWEEP_N)
    widths = ", ".join(map(str, searched_widths(tgt_vocab_size)))
    run = right.button(f"Run the sweep (widths {widths})", key=state.SWEEP_RUN)
    return int(n), run


def step_summary(tree: core.BeamTree, step: int) -> str:
    """One line about what the search did at ``step``."""
    if step == 0:
        return "Step 0: every hypothesis starts from `<bos>`."
    nodes = tree.at_step(step)
    count = {s: sum(n.status == s for n in nodes) for s in ("kept", "pruned", "finished",
                                                           "forced")}
    if count["forced"]:
        return f"Step {step}: your forced token."
    return (f"Step {step}: {len(nodes)} candidates considered; {count['kept']} kept in the "
            f"beam, {count['finished']} finished with `<eos>`, {count['pruned']} pruned. "
            f"Hover a node for its scores; click one to force it below.")

