"""Presenter mode shows the views' tables as HTML tables (whose text its CSS enlarges)
with the same rows and the dataframes' number formats; the normal mode keeps the
sortable dataframes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest
from ui import state, tables

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def test_formats_spell_percent_printf_and_booleans_as_the_dataframe_columns_do():
    frame = pd.DataFrame({"exact match": [0.5, 0.8766, None], "distance": [1.0, 0.12345, 2],
                          "finished": [True, False, True], "text": ["a", "b", "c"]})
    out = tables._formatted(frame, {"exact match": "percent", "distance": "%.3f"})
    assert list(out["exact match"]) == ["50.0%", "87.7%", ""]
    assert list(out["distance"]) == ["1.000", "0.123", "2.000"]
    assert list(out["finished"]) == ["yes", "no", "yes"]
    assert list(out["text"]) == ["a", "b", "c"]
    assert frame["exact match"].iloc[0] == 0.5  # the caller's frame is left as it was


def test_the_n_best_list_is_an_html_table_in_presenter_mode_only():
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    assert not at.exception, at.exception
    assert not at.table
    (nbest,) = [d.value for d in at.dataframe if "normalized score" in d.value.columns]
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    shown = [t.value for t in at.table if "normalized score" in t.value.columns]
    assert len(shown) == 1 and not [d for d in at.dataframe
                                    if "normalized score" in d.value.columns]
    assert list(shown[0]["text"]) == list(nbest["text"])
    assert set(shown[0]["finished"]) <= {"yes", "no"}
