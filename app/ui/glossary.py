"""The glossary the About page shows and the controls' ``?`` help links to.

One table (``GLOSSARY``) of terms, each with an anchor on the About page; a control's help
text names the terms it uses with ``help_text(text, "beam-width", ...)``, which appends
links to their entries (Streamlit opens a link in help text in a new tab, so the control's
page keeps its state). A link names its term twice: ``?term=`` for the About page, which
shows that entry first (the app rewrites the page's query, and with it the browser drops
the ``#anchor`` before it can scroll there), and ``#anchor``. Pure: no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

ABOUT_PATH = "about"  # the About page's url_path (relative: works under any base URL)
TERM_PARAM = "term"  # the About page's query parameter: the entry to show first


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``anchor`` (the About page's heading id), the heading
    ``name`` and a short markdown ``text``."""

    anchor: str
    name: str
    text: str


GLOSSARY: tuple[Term, ...] = (
    Term("context-vector", "Context vector c",
         "The encoder's summary of the whole source, which the decoder reads. In a "
         "fixed-context model (Sutskever et al. 2014; Cho et al. 2014) it is the encoder's "
         "final state: one vector for the whole input, however long. An attention model "
         "makes a new context at every output step instead: the attention-weighted "
         "average of the encoder's states."),
    Term("attention-weights", "Attention weights",
         "At each output step an attention decoder scores every source position against "
         "its current state and turns the scores into weights that are positive and sum "
         "to 1 (a softmax); the step's context is the weighted average of the encoder "
         "states (Bahdanau et al. 2015 additive; Luong et al. 2015 dot and general). In a "
         "heatmap each row is one output step, each column one source token."),
    Term("alignment", "Alignment",
         "Which source tokens an output token corresponds to, as in 'the month comes "
         "from these characters'. Attention weights are often read as a soft alignment; "
         "nothing forces them to be one."),
    Term("alignment-score", "Alignment score",
         "Where the correct alignment is known (`reverse`, `dates`, `digits`): the mean "
         "attention weight that falls on the correct source positions, per output token. "
         "1 is perfect; attention spread evenly scores about (correct positions) / "
         "(source length)."),
    Term("teacher-forcing", "Teacher forcing",
         "In training, the decoder is fed the correct previous token at every step rather "
         "than its own prediction; the ratio is the chance, at each step, that it is. When "
         "decoding it always reads its own outputs, so an early mistake can carry on."),
    Term("beam-width", "Beam width K",
         "Beam search keeps the K highest-scoring partial outputs at every step, extends "
         "each by every token and keeps the best K again. K = 1 is greedy search. A wider "
         "beam searches more and takes longer; it finds outputs the model scores higher, "
         "which are not always better ones."),
    Term("length-penalty", "Length penalty α",
         "A score is a sum of log-probabilities, so every token lowers it and long outputs "
         "lose. GNMT (Wu et al. 2016) ranks by score / ((5 + length) / 6)^α: α = 0 ranks "
         "by the raw score, a larger α favours longer outputs."),
    Term("log-probability", "Log-probability (nats)",
         "Scores are natural logarithms of probabilities, in nats: 0 is certain, -0.69 is "
         "a probability of 1/2, -2.3 one of 1/10. An output's score is the sum over its "
         "tokens: the log of the product of their probabilities."),
    Term("pca", "PCA",
         "Principal component analysis: the directions in which a set of vectors varies "
         "most. Hidden states fits it once on states of a sample of the task and draws "
         "every state on the first 2 or 3 directions, so two inputs share one set of axes. "
         "Distances in the picture only approximate those between the full states."),
    Term("exact-match", "Exact match",
         "The share of held-out inputs whose whole output equals the reference; one wrong "
         "character makes it wrong. Token accuracy, beside it, counts the correct tokens "
         "position by position."),
    Term("bleu-chrf", "BLEU and chrF",
         "Translation scores over a whole held-out set, 0 to 100, by sacrebleu. BLEU "
         "counts the output's word n-grams (1 to 4 words) found in the reference, with a "
         "penalty for short outputs (Papineni et al. 2002); chrF is an F-score over "
         "character n-grams (Popović 2015), kinder to a nearly right word form."),
    Term("per", "PER (phoneme error rate)",
         "For `g2p`: the phoneme edits (insertions, deletions, substitutions) needed to "
         "turn each predicted pronunciation into the reference, summed and divided by the "
         "references' total length. 0% is perfect; lower is better."),
)

TERMS: dict[str, Term] = {term.anchor: term for term in GLOSSARY}


def link(anchor: str) -> str:
    """A markdown link to the glossary entry ``anchor`` on the About page.

    Raises:
        KeyError: ``anchor`` is not in the glossary.

    Example: link("pca") -> "[PCA](about?term=pca#pca)".
    """
    return f"[{TERMS[anchor].name}]({ABOUT_PATH}?{TERM_PARAM}={anchor}#{anchor})"


def help_text(text: str, *anchors: str) -> str:
    """A control's ``help=``: ``text``, then "Glossary: " and a link per term.

    Raises:
        KeyError: an anchor is not in the glossary.

    Example: help_text("Hypotheses kept.", "beam-width") ->
    "Hypotheses kept. Glossary: [Beam width K](about?term=beam-width#beam-width)."
    """
    if not anchors:
        return text
    return f"{text} Glossary: {', '.join(link(a) for a in anchors)}."
