"""The Train form's task controls on every task: one control per option of the task's
options dataclass (``TASKS[name].option_specs``), starting on the option's default, and
what the form passes to ``make_task`` is what the controls show.

Pressing Start training hands the run spec to ``services.training.start_run``, which is
replaced here by one that keeps the spec and refuses the run, so nothing trains.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from ui import services, state
from ui.widgets.task_options import DATA_DIR, option_key

import seq2seq_core as core
from seq2seq_core.server import ServerBusy
from seq2seq_core.tasks import parse_pairs

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")
PAIRS = ROOT / "tests" / "fixtures" / "uploads" / "good.tsv"
HELD_OUT = 6  # held-out sources of the tiny corpus below
# A value other than the default for every option, one the data still allows (the tiny
# corpus has only French: the language stays).
OTHER = {
    "reverse": {"min_len": 3, "max_len": 9},
    "g2p": {"stress": False},
    "translation": {"tokenization": "bpe", "vocab_size": 100, "max_len": 8,
                    "max_vocab": 500, "tutorial_prefixes": False, "lowercase": False},
    "upload": {"level": "word"},
    "digits": {"min_digits": 2, "max_digits": 3},
}
KEPT = {"translation": {"lang", DATA_DIR}}  # lang: only French here; data_dir: the folder


def corpus(folder: Path) -> Path:
    """A ManyThings French file whose English all passes the tutorial filter."""
    lines = [f"{s} {a}.\t{fs} {fa}.\tCC-BY 2.0 (France) Attribution: tatoeba.org"
             for s, fs in (("I am", "Je suis"), ("He is", "Il est"), ("We are", "Nous sommes"))
             for a, fa in (("cold", "froid"), ("tired", "fatigué"), ("happy", "heureux"),
                           ("ready", "prêt"), ("late", "en retard"), ("sick", "malade"),
                           ("here", "ici"), ("calm", "calme"))]
    (folder / "fra-eng").mkdir(parents=True, exist_ok=True)
    (folder / "fra-eng" / "fra.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def captured(monkeypatch) -> list:
    """Run specs the Train form submits (start_run keeps them and refuses the run)."""
    specs = []

    def start_run(spec):
        specs.append(spec)
        raise ServerBusy("kept by the test")

    monkeypatch.setattr(services.training, "start_run", start_run)
    return specs


def train_page(task: str, tmp_path: Path) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120)
    info = core.TASKS[task]
    if info.reads_data:  # before the task is picked: no other corpus is ever read
        at.session_state[option_key(task, DATA_DIR)] = str(corpus(tmp_path / "tatoeba"))
        at.session_state[state.TR_HELDOUT] = HELD_OUT
    at.run()
    at.switch_page("views/train.py").run()
    at.selectbox(key=state.TRAIN_TASK).set_value(task).run()
    if info.pairs_file:
        at.get("file_uploader")[0].set_value((PAIRS.name, PAIRS.read_bytes(),
                                              "text/tab-separated-values")).run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    return at


def controls(task: str, specs) -> dict[str, list[str]]:
    """Session key -> the options its control sets (a min/max pair shares a range
    slider), for every option but the corpus folder."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        if spec.name not in KEPT.get(task, ()):
            out.setdefault(option_key(task, spec.name), []).append(spec.name)
    return out


def submitted(at: AppTest, captured: list) -> dict:
    at.button(key=state.TRAIN_START).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["kept by the test"]
    return dict(captured.pop().task_options)


def sources(task: str, tmp_path: Path) -> dict:
    """The options a task's data source adds (a corpus folder and held-out count, or the
    pairs file)."""
    info = core.TASKS[task]
    if info.reads_data:
        return {DATA_DIR: str(tmp_path / "tatoeba"), "n_heldout": HELD_OUT}
    if info.pairs_file:
        return {"pairs": parse_pairs(PAIRS.read_bytes(), PAIRS.name),
                "file_name": PAIRS.name}
    return {}


@pytest.mark.parametrize("task", list(core.TASKS))
def test_task_controls_follow_the_options_dataclass(task, tmp_path, captured):
    specs = core.TASKS[task].option_specs
    assert set(OTHER.get(task, {})) | KEPT.get(task, set()) == {s.name for s in specs}
    at = train_page(task, tmp_path)
    defaults = {s.name: s.default for s in specs if s.name != DATA_DIR}
    for key, names in controls(task, specs).items():  # one control each, on the default
        value = tuple(defaults[n] for n in names) if len(names) > 1 else defaults[names[0]]
        assert at.get_by_key(key).value == value, names
    options = submitted(at, captured)
    extra = sources(task, tmp_path)
    pairs = extra.pop("pairs", None)
    assert options.pop("pairs", None) == pairs
    assert options == {**defaults, **extra}

    other = OTHER.get(task, {})
    for key, names in controls(task, specs).items():
        value = tuple(other[n] for n in names) if len(names) > 1 else other[names[0]]
        at.get_by_key(key).set_value(value)
    options = submitted(at, captured)  # in the same run: a form keeps its values till then
    options.pop("pairs", None)
    assert options == {**defaults, **other, **extra}
