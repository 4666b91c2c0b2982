"""app/serve.py: preloads, then runs `streamlit run app/main.py` with the flags it got."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import serve
from streamlit.web import cli

from ui import services

MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"


def test_main_preloads_then_runs_the_app_with_the_given_flags(pretrained, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "main", lambda: calls.append(list(sys.argv)) or 0)
    monkeypatch.setattr(sys, "argv", ["app/serve.py", "--server.port", "9999"])
    with pytest.raises(SystemExit) as ended:
        serve.main()
    assert ended.value.code == 0
    assert calls == [["streamlit", "run", str(MAIN), "--server.port", "9999"]]


def test_preload_without_shipped_models_does_not_fail(tmp_path, monkeypatch):
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(tmp_path))  # an empty folder
    serve.preload()
