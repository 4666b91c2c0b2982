"""The core is a library: importing it never imports Streamlit."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_does_not_import_streamlit():
    code = ("import sys, seq2seq_core, seq2seq_core.cli, seq2seq_core.server.worker; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_streamlit_in_core_sources():
    offenders = [p.name for p in (ROOT / "seq2seq_core").rglob("*.py")
                 if "import streamlit" in p.read_text() or "from streamlit" in p.read_text()]
    assert offenders == []
