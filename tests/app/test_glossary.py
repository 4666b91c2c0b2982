"""ui.glossary: one table of terms, anchors the About page draws, help text that links."""

from __future__ import annotations

import re

import pytest
from ui import glossary

ISSUE_TERMS = ("context-vector", "attention-weights", "alignment", "teacher-forcing",
               "beam-width", "length-penalty", "log-probability", "pca", "alignment-score",
               "exact-match", "bleu-chrf", "per")
LINK = re.compile(r"\[([^\]]+)\]\(about\?term=([a-z0-9-]+)#\2\)")


def test_every_term_the_room_needs_is_there_once_with_an_anchor():
    anchors = [t.anchor for t in glossary.GLOSSARY]
    assert len(set(anchors)) == len(anchors)
    assert set(ISSUE_TERMS) <= set(anchors)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a) for a in anchors)
    assert all(t.name and len(t.text) > 40 for t in glossary.GLOSSARY)


def test_help_text_appends_one_link_per_term_to_its_entry():
    text = glossary.help_text("Hypotheses kept.", "beam-width", "length-penalty")
    assert text.startswith("Hypotheses kept. Glossary: ")
    assert LINK.findall(text) == [("Beam width K", "beam-width"),
                                  ("Length penalty α", "length-penalty")]
    assert glossary.help_text("No terms.") == "No terms."


def test_an_unknown_term_is_an_error_not_a_dead_link():
    with pytest.raises(KeyError):
        glossary.help_text("x", "beam-size")
