"""Session-state keys: one constant each in ``ui.state``, all distinct, and no view or
widget spells a key of its own; a refused pairs upload never leaks into the sidebar."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def test_a_refused_pairs_upload_leaves_the_checkpoint_uploader_alone(pretrained):
    """Regression: the pairs upload and the checkpoint upload shared "upload_error", so
    after a refused pairs file every page's sidebar showed a raw (digest, message) tuple
    under "Load a checkpoint"."""
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page("views/train.py").run()
    at.selectbox(key="train_task").set_value("upload").run()
    bad = (UPLOADS / "wrong_columns.tsv").read_bytes()
    at.main.get("file_uploader")[0].set_value(("wrong_columns.tsv", bad, "text/plain")).run()
    assert any("line 4" in e.value for e in at.main.error)
    for page in ("views/decode.py", "views/about.py", "views/train.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert not at.sidebar.error, [e.value for e in at.sidebar.error]
