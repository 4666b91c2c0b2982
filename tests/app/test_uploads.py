"""Checkpoint upload in the sidebar: a good zip becomes this session's model; a refused
one says why in the sidebar and changes nothing; hostile text never breaks a view."""

from __future__ import annotations

import pytest

from tests.hostile_files import (PAYLOADS, checkpoint_files, evil_pickle, hostile_zip,
                                 zip_files)
from tests.shown_outputs import outputs
from ui import services

from test_app import VIEWS, start_app

ALL_VIEWS = [*VIEWS, "views/beam.py", "views/attention.py", "views/hidden_states.py"]


def upload(at, name: str, data: bytes):
    at.sidebar.file_uploader[0].set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    return at


def shipped_zip(folder: str = "my-dates") -> bytes:
    handle = services.models.resolve_model("shipped:dates-attention", [])
    return services.models.checkpoint_zip(handle.tm, folder)


def test_an_uploaded_checkpoint_is_picked_and_decodes_like_the_original(pretrained):
    at = start_app()
    at.text_input(key="source").set_value("March 3, 2021").run()
    original = outputs(at)
    upload(at, "my-dates.zip", shipped_zip())
    picker = at.selectbox(key="model")
    assert picker.value.startswith("upload:") and len(picker.value) == len("upload:") + 32
    assert picker.format_func(picker.value) == "uploaded 1: my-dates"
    assert not at.sidebar.error
    assert outputs(at) == original  # same weights, same outputs


@pytest.mark.parametrize("name, data, message", [
    ("evil.zip", b"", "not a .zip archive"),
    ("weights.zip", None, "model.safetensors cannot be read"),
    ("noise.zip", bytes(range(256)) * 50, "not a .zip archive"),
])
def test_a_refused_upload_says_why_and_changes_nothing(pretrained, tmp_path, name, data,
                                                       message):
    if data is None:  # a checkpoint whose weights are a code-running pickle
        files = checkpoint_files(services.models.load_shipped("dates-attention"))
        data = zip_files({**files, "model.safetensors": evil_pickle(tmp_path / "ran")})
    at = start_app()
    at.text_input(key="source").set_value("March 3, 2021").run()
    before = (outputs(at), at.selectbox(key="model").value)
    upload(at, name, data)
    assert len(at.sidebar.error) == 1
    error = at.sidebar.error[0].value
    assert error.startswith(name.replace(".", "\\.")) and message.replace(".", "\\.") in error
    assert (outputs(at), at.selectbox(key="model").value) == before
    assert not at.sidebar.file_uploader[0].value  # the refused file is cleared
    assert at.session_state["uploads"] == [] and not (tmp_path / "ran").exists()


def test_the_upload_count_per_session_is_limited(pretrained, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_MAX_UPLOADS", "1")
    at = upload(start_app(), "a.zip", shipped_zip("a"))
    upload(at, "b.zip", shipped_zip("b"))
    assert "keeps 1 uploaded checkpoints per user" in at.sidebar.error[0].value
    assert [u.folder for u in at.session_state["uploads"]] == ["a"]


def test_the_upload_size_limit_is_a_setting(pretrained, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_MAX_UPLOAD_BYTES", "1000")
    at = upload(start_app(), "big.zip", shipped_zip())
    assert "this server accepts checkpoints up to 1 kB" in at.sidebar.error[0].value


def test_hostile_names_tokens_and_metadata_render_as_text_on_every_view(pretrained):
    at = upload(start_app(), "<b>x</b>.zip", hostile_zip())
    assert not at.sidebar.error
    for payload in PAYLOADS[:3]:
        at.switch_page("views/decode.py").run()
        at.text_input(key="source").set_value(payload).run()
        assert not at.exception, at.exception
        for page in ALL_VIEWS:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
    at.switch_page("views/decode.py").run()
    header = at.markdown[0].value
    assert "\\<img src\\=x onerror\\=" not in header  # the folder name was reduced
    assert "uploaded 1\\: img\\-src\\-x\\-onerror\\-window\\.\\_\\_pwned\\-1" in header
    assert "task `<script>window.__pwned = 1</script>`" in header  # literal in a code span
    assert [m.value for m in at.metric] == ["—", "—", "—"]  # non-numbers are not shown
