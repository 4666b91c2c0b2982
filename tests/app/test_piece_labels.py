"""Subword pieces in charts: the word-start mark "▁" is drawn as "␣" by the one label
helper every chart uses (``charts.common.token_text``)."""

from ui import charts


def test_word_start_mark_is_shown_as_a_visible_space():
    text = charts.common.token_text
    assert text("\u2581chat") == "\u2423chat" and text("on") == "on"
    assert text("\u2581") == "\u2423" and text(" ") == "\u2423"
    assert text("\u2581<b>") == "\u2423&lt;b&gt;"  # still escaped
    assert charts.common.token_labels(["\u2581le", "\u2581chat", "on", "<eos>"]) == [
        "0:\u2423le", "1:\u2423chat", "2:on", "3:&lt;eos&gt;"]
