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
2. **Train**: pick a task (`dates` or `reverse`), an encoder (GRU or LSTM, layers,
   bidirectional), a decoder (a fixed context vector, or attention with an additive, dot
   or general score) and the training settings, then press *Start training*. Training
   runs in the background: the loss, accuracy and sample predictions update live, and
   you can use the rest of the app meanwhile. *Use in Decode* puts your model in the
   sidebar picker; *Download* saves it as a checkpoint folder in a `.zip`.

Every run of your session stays listed on the Train page until you close the tab.
Nothing you train is shared with other users.

**Models implemented**: Sutskever, Vinyals & Le 2014 and Cho et al. 2014 (fixed
context vector); Bahdanau, Cho & Bengio 2015 (additive attention); Luong, Pham &
Manning 2015 (dot and general attention); Wu et al. 2016 (GNMT length penalty).

**Credits**

- Date formats, month and day names for the `dates` task: the
  [Unicode CLDR](https://cldr.unicode.org/) locale data shipped with
  [Babel](https://babel.pocoo.org/), under the
  [Unicode licence](https://www.unicode.org/license.txt).
- Built with [PyTorch](https://pytorch.org/), [Streamlit](https://streamlit.io/) and
  [plotly](https://plotly.com/python/).
""")
