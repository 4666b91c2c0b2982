"""Hidden states view: two inputs' encoder or decoder trajectories on one PCA basis,
and the training pairs whose states lie nearest an input's.

The basis is fitted once per model and state choice on states from a sample of the
task's inputs, so both panels, and any later input, share the same axes.
"""

from __future__ import annotations

import streamlit as st

import seq2seq_core as core
from ui import charts, presenter, services, state, url_state, widgets
from ui import figures, tables
from ui.text import md_escape

st.title("Hidden states")
handle = widgets.sidebar.picked_model()
url_state.sync("hidden-states", handle=handle)

widgets.sidebar.model_line(handle)
only = presenter.one_picture(presenter.PICTURES["hidden-states"], state.STATES_PICTURE)
inputs_area, plot_area = st.container(), st.container()  # the plot above its settings
if widgets.image_input.is_image_model(handle.tm):
    # two strip pickers with their pictures fill a 1280x720 screen: folded, the plot first
    inputs_area = inputs_area.expander("Inputs A and B: the two strips")
sel, dims = widgets.inside.state_controls(handle.tm.model.cfg)
first = widgets.decode.first_source(handle)


def readable(text: str) -> bool:
    try:
        services.decode.check_text(handle.tm, text)
    except core.InputError:
        return False
    return True


task_info = core.TASKS.get(handle.task)
second = widgets.inside.one_token_variant(first)
if not readable(second):  # a word-level vocabulary may not know the changed word
    second = next((e for e in (task_info.examples if task_info else ())[1:] if readable(e)),
                  first)
col_a, col_b = inputs_area.columns(2)
with col_a:
    text_a = widgets.image_input.source_input("Input A", state.STATES_A, handle, first)
with col_b:
    text_b = widgets.image_input.source_input("Input B", state.STATES_B, handle, second)
texts = [text_a, text_b]
try:
    traces = [services.inside.trace_text(handle, t) for t in texts]
    basis = services.inside.state_basis(handle, sel, state.runs(), fallback=tuple(traces))
except (core.InputError, ValueError) as err:
    st.error(md_escape(str(err)))
    url_state.stop()

titles = [f"{name}: {widgets.image_input.label(t)} → {tr.output_text}"
          for name, t, tr in zip("AB", texts, traces)]
if only in (None, "Trajectories"):
    panels = charts.trajectory.trajectory_panels(traces, titles, basis, sel)
    with plot_area:
        figures.show(charts.trajectory.trajectory_figure(panels, dims,
                                                         basis.explained_variance_ratio),
                     key=state.TRAJECTORIES, view="hidden-states", model=handle.name,
                     source=" vs ".join(map(widgets.image_input.label, texts)))
    what = "an encoder state h_i, one per source token" if sel.part == "encoder" else \
        "a decoder state s_t, one per output token"
    fitted_on = ("the task's held-out inputs" if services.decode.heldout_pairs(handle, state.runs())
                 else "these two inputs (this model's task cannot be regenerated)")
    star = ""
    if sel.part == "encoder":
        star = (" The star (a diamond in 3-D) marks the final state: "
                + ("for this fixed-context model it is the context vector c, the one summary of "
                   "the input that its decoder reads." if not handle.has_attention else
                   "an attention decoder reads every h_i, not only this one."))
    st.caption(f"Each point is {what}, placed by PCA: the first {dims} principal components of "
               f"{basis.n_samples} states of {fitted_on}, which show "
               f"{basis.explained_variance_ratio[:dims].sum():.0%} of their variance.{star}")

with plot_area if only else st.container():  # presenter mode: where the plot is
    if only in (None, "Nearest training pairs"):
        st.subheader("Nearest training pairs: what the model thinks the input resembles")
        found = services.inside.neighbour_index(handle, state.runs())
        if found is None:
            st.info("This model's training pairs cannot be regenerated (an uploaded model of "
                    "uploaded pairs), so there is nothing to search.")
            url_state.stop()
        index, where = found
        which, step, k = widgets.inside.neighbour_controls([tr.output_tokens for tr in traces],
                                                           handle.has_attention)
        try:
            near = services.inside.neighbours(index, traces[which], step, k)
        except ValueError as err:
            st.error(md_escape(str(err)))
            url_state.stop()
        tables.show(charts.neighbours.neighbours_frame(near), formats={"distance": "%.3f"})
        state_name = (widgets.inside.final_state_name(handle.has_attention) if step is None else
                      f"decoder state after output {step + 1}")
        st.caption(f"The {k} training pairs whose {state_name} lies nearest input "
                   f"{'AB'[which]}'s, by Euclidean distance, among {where}."
                   + ("" if step is None else " Each match is one step of a training pair: the "
                      "target written up to that step is shown."))
