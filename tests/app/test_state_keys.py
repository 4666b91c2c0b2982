"""Session-state keys: one constant each in ``ui.state``, all distinct, and no view or
widget spells a key of its own; a refused pairs upload never leaks into the sidebar."""

from __future__ import annotations

import ast
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


APP = Path(__file__).resolve().parents[2] / "app"
SAMPLE_ARGS = [(i,) for i in range(40)] + [(a, f) for a in "ab"
                                          for f in ("decoder", "cell", "score", "fixed")]


def declared_keys() -> dict[str, str]:
    """Every key ``ui.state`` declares: name -> value (SourceBox fields as NAME.field)."""
    from ui import state
    keys = {}
    for name, value in vars(state).items():
        if name.isupper() and isinstance(value, str):
            keys[name] = value
        elif isinstance(value, state.SourceBox):
            keys.update({f"{name}.{f}": getattr(value, f) for f in ("text", "task", "widget")})
    return keys


def test_every_session_key_is_distinct():
    keys = declared_keys()
    assert len(keys) > 100  # widget keys too
    plain = [v for v in keys.values() if "{" not in v]
    assert len(set(plain)) == len(plain), sorted(v for v in plain if plain.count(v) > 1)
    filled = {}
    for name, template in keys.items():
        if "{" not in template:
            continue
        for args in SAMPLE_ARGS:
            if template.count("{}") == len(args):
                key = template.format(*args)
                assert key not in plain, (name, key)
                assert filled.setdefault(key, name) == name, (name, filled[key], key)


def literal_keys(path: Path) -> list[str]:
    """Where ``path`` spells a session key as a literal: ``key="..."``, ``st.form("...")``,
    ``session_state["..."]`` or ``session_state.get("...")`` (and pop, setdefault)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        spots = []
        if isinstance(node, ast.Call):
            spots += [k.value for k in node.keywords if k.arg == "key"]
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "form" and node.args:
                spots.append(node.args[0])
            if (isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault")
                    and "session_state" in ast.unparse(func.value) and node.args):
                spots.append(node.args[0])
        if isinstance(node, ast.Subscript) and "session_state" in ast.unparse(node.value):
            spots.append(node.slice)
        found += [f"{path.relative_to(APP)}:{s.lineno}: {ast.unparse(s)}" for s in spots
                  if isinstance(s, (ast.Constant, ast.JoinedStr))]
    return found


def test_no_module_spells_a_session_key_of_its_own():
    found = [hit for path in sorted(APP.rglob("*.py")) if path.name != "state.py"
             for hit in literal_keys(path)]
    assert not found, found
