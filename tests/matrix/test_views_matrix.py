"""The view layer of the matrix: every page of the app, in AppTest, on every kind of model.

Each kind's model is saved as a shipped checkpoint in a folder the app reads
(``SEQ2SEQ_PRETRAINED_DIR``) with the task options that made its data
(``app_models``), so the app regenerates the kind's own held-out set. A cell opens one
page with the kind's model picked and its first input typed, and asserts the output text
shown, that every label shown is the vocabulary's own (an output text is
``tgt_vocab.decode`` of its ids; axis, point and node labels are the vocabularies'
tokens; a beam-tree node's prefix is the decode of its ids), and that no exception or
error box appears.

Train trains a tiny run of the kind's task and architecture through the Train form (4
steps, evaluated at steps 2 and 4; for words and subwords the form's task controls are
set to the kind's options and corpus folder) and checks the finished run; Training
replay opens that run (found again by its id in the URL, as after a reload) and replays
its two snapshots. Compare puts the kind (A) beside another row of its task, or a copy of
it (B), with nothing to train. About is the same page for every kind: it must draw.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from ui import state
from ui.charts.common import thinned_ticks, token_labels, token_text
from ui.services.models import PRETRAINED_ENV
from ui.services.training import QUERY_KEY
from ui.widgets.task_options import option_key

import seq2seq_core as core
from seq2seq_core import images
from seq2seq_core.inside import StateSelection, trace
from seq2seq_core.vocab import EOS
from tests.matrix.app_models import app_options, save_app_model
from tests.shown_charts import chart, has_chart
from tests.shown_outputs import code_span, outputs

ROOT = Path(__file__).resolve().parents[2]
MAIN = str(ROOT / "app" / "main.py")
TIMEOUT = 300  # s per script run: the suite shares 2 cores
TINY = {"steps": 4, "eval_every": 2, "eval_size": 8, "batch": 32}


# ---- the app's model folder ----------------------------------------------------------

@pytest.fixture(scope="session")
def app_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("views-matrix")


@pytest.fixture
def shipped(kind, app_dir, monkeypatch) -> str:
    """The kind's model as a shipped model of the app; returns its picker key."""
    monkeypatch.setenv(PRETRAINED_ENV, str(app_dir / "models"))
    return save_app_model(kind, app_dir)


# ---- driving a page ------------------------------------------------------------------

def open_page(page: str, model: str | None, task: str,
              boxes: dict[state.SourceBox, str] = (), query: dict | None = None) -> AppTest:
    """``page`` opened with ``model`` picked and each source box holding its text, as if
    the user had typed it there."""
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    if model is not None:
        at.session_state[state.MODEL] = model
    for box, text in dict(boxes).items():
        at.session_state[box.text] = at.session_state[box.widget] = text
        at.session_state[box.task] = task
    at.query_params.update(query or {})
    at.run()  # the first page: pages are found by their url_path only after a run
    at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception and no error box, in the page or the sidebar."""
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]


def column(at: AppTest, name: str, index: int = 0, having: tuple[str, ...] = ()) -> list:
    """Column ``name`` of the ``index``-th data frame or table that has it (and
    ``having``); tables (``st.table``, text that wraps) come after the data frames."""
    frames = [d.value for d in [*at.dataframe, *at.table]
              if {name, *having} <= set(d.value.columns)]
    return frames[index][name].tolist()


# ---- what the vocabulary says ----------------------------------------------------------

def source_tokens(tm: core.TrainedModel, text: str) -> list[str]:
    """The source as the model reads it: the vocabulary's split of the normalised text."""
    return [*tm.src_vocab.split(core.check_source(tm, text)), EOS]


def spelled(tm: core.TrainedModel, ids, tokens, text: str) -> list[str]:
    """Check that ``tokens`` and ``text`` are the target vocabulary's own for ``ids``;
    returns the tokens."""
    vocab = tm.tgt_vocab
    assert list(tokens) == [vocab.tokens[i] for i in ids]
    assert text == vocab.decode(list(ids))
    return list(tokens)


def check_hyp(tm: core.TrainedModel, hyp: core.Hypothesis) -> list[str]:
    return spelled(tm, hyp.token_ids, hyp.tokens, hyp.text)


def check_trace(tm: core.TrainedModel, tr) -> list[str]:
    return spelled(tm, tr.output_ids, tr.output_tokens, tr.output_text)


def decode_settings(at: AppTest) -> core.DecodeConfig:
    """The beam settings the page shows (Decode and Beam search share them)."""
    beam = int(at.slider(key=state.BEAM_SIZE).value)
    return core.DecodeConfig(strategy="beam", beam_size=beam,
                             length_penalty=float(at.slider(key=state.ALPHA).value),
                             max_len=int(at.number_input(key=state.MAX_LEN).value),
                             n_best=min(int(at.number_input(key=state.N_BEST).value), beam))


def named(kind, text: str, pairs=None) -> str:
    """How a view names a source in titles and tables: the text, or a held-out strip (of
    ``pairs``, default the kind's) by its digits and its width in columns."""
    if kind.tm.src_vocab.level != "image":
        return text
    digits = next(p.target for p in (pairs or kind.pairs) if p.source == text)
    return f"strip of {digits} ({len(source_tokens(kind.tm, text)) - 1} columns)"


def greedy_of(cfg: core.DecodeConfig) -> core.DecodeConfig:
    return core.DecodeConfig(strategy="greedy", max_len=cfg.max_len, beam_size=1, n_best=1)


def shown(text: str) -> str:
    """A code block's text (an empty output shows as one space)."""
    return text or " "


def check_heatmap(fig: dict, source: list[str], output: list[str],
                  attention: np.ndarray | None = None) -> None:
    heat = fig["data"][0]
    assert heat["x"] == token_labels(source) and heat["y"] == token_labels(output)
    if attention is not None:
        np.testing.assert_allclose(np.array(heat["z"], float), attention, atol=1e-5)


# ---- Decode, Beam search, Attention, Hidden states --------------------------------------

def test_decode_view(kind, shipped):
    tm, text = kind.tm, kind.inputs[0]
    at = open_page("views/decode.py", shipped, tm.task, {state.DECODE_SOURCE: text})
    cfg = decode_settings(at)
    greedy = core.decode_text(tm, text, greedy_of(cfg)).best
    beam = core.decode_text(tm, text, cfg)
    check_hyp(tm, greedy)
    assert outputs(at) == [code_span(greedy.text), code_span(beam.best.text)]
    assert column(at, "text") == [h.text for h in beam.hypotheses]
    best = beam.hypotheses[0]  # the picker opens on "beam 1"
    assert at.selectbox(key=state.HYPOTHESIS).value == "beam 1"
    if tm.model.has_attention:
        check_heatmap(chart(at, state.ATTENTION_HEATMAP), source_tokens(tm, text),
                      check_hyp(tm, best), np.array(best.attention))
    else:
        assert not has_chart(at, state.ATTENTION_HEATMAP)
        assert any("same context vector c" in i.value for i in at.info)


def tree_labels(fig: dict) -> dict[int, str]:
    """Node id -> the text drawn on it, from the tree's node traces."""
    out = {}
    for trace_ in fig["data"]:
        if trace_.get("mode") == "markers+text":
            for (node_id,), label in zip(trace_["customdata"], trace_["text"], strict=True):
                out[node_id] = label
    return out


def test_beam_view(kind, shipped):
    tm, text = kind.tm, kind.inputs[0]
    vocab = tm.tgt_vocab
    at = open_page("views/beam.py", shipped, tm.task, {state.BEAM_SOURCE: text})
    cfg = decode_settings(at)
    greedy = core.decode_text(tm, text, greedy_of(cfg)).best
    beam = core.decode_text(tm, text, cfg)
    tree = beam.tree
    # The tree: every node shows its token as the target vocabulary spells it; the
    # pruned candidates once asked for.
    nodes = tree_labels(chart(at, state.BEAM_TREE_CHART))
    assert sorted(nodes) == [n.id for n in tree.nodes if n.status != "pruned"]
    at.toggle(key=state.BEAM_PRUNED).set_value(True).run()
    assert_clean(at)
    nodes = tree_labels(chart(at, state.BEAM_TREE_CHART))
    assert sorted(nodes) == [n.id for n in tree.nodes]
    for n in tree.nodes:
        assert nodes[n.id] == token_text(n.token)
        if n.parent is not None:
            assert n.token == vocab.tokens[n.token_id]
    # The node picker names each node by its prefix, decoded by the vocabulary.
    picker = at.selectbox(key=state.BEAM_FORCE_NODE).options
    ordered = sorted((n for n in tree.nodes if n.parent is not None),
                     key=lambda n: (n.step, n.rank))
    assert len(picker) == len(ordered)
    for label, n in zip(picker, ordered):
        assert label.startswith(f"step {n.step} · {n.status} · "
                                f"'{vocab.decode(list(tree.prefix_ids(n.id)))}'"), label
    # n-best list and the strategies table: greedy, beam's best, then the samples.
    assert column(at, "text") == [h.text for h in beam.hypotheses]
    temperature = float(at.slider(key=state.BEAM_TEMPERATURE).value)
    top_k = int(at.number_input(key=state.BEAM_TOP_K).value)
    samples = [core.decode_text(tm, text, core.DecodeConfig(
        strategy="sample", max_len=cfg.max_len, beam_size=1, n_best=1,
        temperature=temperature, top_k=top_k, seed=seed)).best
        for seed in range(int(at.number_input(key=state.BEAM_SAMPLES).value))]
    for hyp in (greedy, beam.best, *samples):
        check_hyp(tm, hyp)
    assert column(at, "decoder")[:2] == ["greedy", f"beam K={cfg.beam_size}, best"]
    assert column(at, "text", 1) == [h.text for h in (greedy, beam.best, *samples)]
    # The attention of the hypothesis picked (the first: greedy).
    picked = at.selectbox(key=state.BEAM_ATTENTION).value
    assert picked == f"greedy: {greedy.text}"
    if tm.model.has_attention:
        check_heatmap(chart(at, state.BEAM_ATTENTION_HEATMAP), source_tokens(tm, text),
                      check_hyp(tm, greedy), np.array(greedy.attention))
    else:
        assert not has_chart(at, state.BEAM_ATTENTION_HEATMAP)
    # The held-out picker offers the kind's own held-out pairs (the task regenerated).
    readable = [p for p in kind.pairs if not tm.src_vocab.unknown_tokens(p.source)]
    if tm.src_vocab.level == "image":  # the strip input's picker: digits and width
        strips = at.selectbox(key=state.STRIP_HELDOUT.format(state.BEAM_SOURCE.widget))
        assert strips.options[:len(readable)] == [
            f"{i + 1}: {p.target} ({images.strip_width(p.source)} columns)"
            for i, p in enumerate(readable)]
        assert readable[strips.index].source == text  # it shows the strip in use
        readable = []  # no text picker beside it
    pickers = [s for s in at.selectbox if s.key == state.BEAM_HELDOUT]
    offered = pickers[0].options if pickers else []
    assert [f"{p.source}  →  {p.target}" for p in readable] == offered[:len(readable)]
    # Be the beam: force the last node of the first step, then greedy finishes it.
    node = ordered[sum(1 for n in ordered if n.step == 1) - 1]
    at.selectbox(key=state.BEAM_FORCE_NODE).set_value(picker[ordered.index(node)]).run()
    assert_clean(at)
    prefix = list(tree.prefix_ids(node.id))
    result = core.decode_text(tm, text, core.DecodeConfig(
        strategy="greedy", beam_size=cfg.beam_size, length_penalty=cfg.length_penalty,
        max_len=max(cfg.max_len, len(prefix)), n_best=cfg.n_best), prefix=prefix)
    forced = result.best
    check_hyp(tm, forced)
    assert forced.token_ids[:len(prefix)] == tuple(prefix)
    assert shown(forced.text) in [c.value for c in at.code]
    nodes = tree_labels(chart(at, state.BEAM_FORCED_CHART))
    assert nodes and all(label == token_text(result.tree.nodes[i].token)
                         for i, label in nodes.items())


def test_attention_view(kind, shipped):
    tm, text = kind.tm, kind.inputs[0]
    at = open_page("views/attention.py", shipped, tm.task, {state.INSIDE_SOURCE: text})
    tr = trace(tm, core.check_source(tm, text))
    output = check_trace(tm, tr)
    source = source_tokens(tm, text)
    assert list(tr.source_tokens) == source
    assert at.code[0].value == shown(tr.output_text)
    if tm.model.has_attention:
        check_heatmap(chart(at, state.ATTENTION_ANIMATION), source, output, tr.attention)
        lines = chart(at, state.ALIGNMENT_LINES)["layout"]
        assert lines["xaxis"]["ticktext"] == token_labels(output)
        assert lines["xaxis2"]["ticktext"] == token_labels(source)
    else:
        assert not has_chart(at, state.ATTENTION_ANIMATION)
        assert any("no attention" in i.value for i in at.info)
    rows = chart(at, state.CONTEXT_ROWS)
    if tr.step_contexts is not None:
        assert rows["data"][0]["y"] == token_labels(output)


def check_trajectories(at: AppTest, kind, texts: list[str], sel: StateSelection,
                       dims: int) -> None:
    """Both panels: titles "A: input → output", points labelled by the tokens."""
    tm = kind.tm
    fig = chart(at, state.TRAJECTORIES)
    paths = [t for t in fig["data"] if "text" in t["mode"]]
    titles = [a["text"] for a in fig["layout"]["annotations"]][:2]
    assert len(paths) == 2
    for letter, text, path, title in zip("AB", texts, paths, titles, strict=True):
        tr = trace(tm, core.check_source(tm, text))
        output = check_trace(tm, tr)
        tokens = source_tokens(tm, text) if sel.part == "encoder" else output
        labels = token_labels(tokens)
        if dims == 3:  # 3-D scenes draw text as it is: brackets become ‹ ›
            labels = [lab.replace("&lt;", "‹").replace("&gt;", "›").replace("&amp;", "&")
                      .replace("&quot;", '"').replace("&#x27;", "'") for lab in labels]
            assert path["text"] == labels
        else:  # a label that would overprint another is left to the hover
            assert path["hovertext"] == labels and path["text"][0] == labels[0]
            assert all(t in ("", lab) for t, lab in zip(path["text"], labels, strict=True))
        assert path["type"] == ("scatter3d" if dims == 3 else "scatter")
        assert title == html.escape(f"{letter}: {named(kind, text)} → {tr.output_text}")


def test_hidden_states_view(kind, shipped):
    tm = kind.tm
    cfg = tm.model.cfg
    texts = list(kind.inputs[:2])
    at = open_page("views/hidden_states.py", shipped, tm.task,
                   {state.STATES_A: texts[0], state.STATES_B: texts[1]})
    layer = cfg.num_layers - 1
    check_trajectories(at, kind, texts, StateSelection("encoder", layer), 2)
    # The architecture's own choices: the other direction, a lower layer, the LSTM cell.
    if cfg.bidirectional:
        at.radio(key=state.STATES_DIRECTION).set_value(1)
    if cfg.num_layers > 1:
        layer = 0
        at.selectbox(key=state.STATES_LAYER.format(cfg.num_layers)).set_value(layer)
    if cfg.cell == "lstm":
        at.checkbox(key=state.STATES_CELL).check()
    at.run()
    assert_clean(at)
    check_trajectories(at, kind, texts, StateSelection("encoder", layer), 2)
    at.radio(key=state.STATES_PART).set_value("decoder")
    at.radio(key=state.STATES_DIMS).set_value(3).run()
    assert_clean(at)
    check_trajectories(at, kind, texts, StateSelection("decoder", layer), 3)


def test_pages_open_on_an_input_the_model_reads(kind, shipped):
    """Nothing typed yet: every page that decodes opens on an input the model can read."""
    at = open_page("views/decode.py", shipped, kind.tm.task)
    assert outputs(at)
    for page in ("views/beam.py", "views/attention.py", "views/hidden_states.py"):
        at.switch_page(page).run()
        assert_clean(at)


# ---- Train and Training replay: a tiny run of the kind's task and architecture ----------

@dataclass(frozen=True)
class TinyRun:
    at: AppTest  # the Train page that started it
    entry: state.RunEntry
    task_options: dict  # what the form passed to make_task


def preset_task_options(at: AppTest, kind, app_dir: Path) -> dict[str, object]:
    """The form's task controls preset to the kind's options (a corpus: its folder),
    before the task is picked, so no other data is ever read. Returns key -> value."""
    task = kind.tm.task
    info = core.TASKS[task]
    options = app_options(kind, app_dir)
    shared: dict[str, list] = {}  # a min/max pair shares one range slider
    for spec in info.option_specs:
        shared.setdefault(option_key(task, spec.name), []).append(spec)
    keys = {}
    for key, specs in shared.items():
        if any(s.name in options for s in specs):
            values = [options.get(s.name, s.default) for s in specs]
            keys[key] = tuple(values) if len(values) > 1 else values[0]
    if info.reads_data and "n_heldout" in options:
        keys[state.TR_HELDOUT] = options["n_heldout"]
    for key, value in keys.items():
        at.session_state[key] = value
    return keys


def set_architecture(at: AppTest, cfg: core.ModelConfig) -> None:
    at.radio(key=state.TRAIN_DECODER).set_value(cfg.decoder).run()  # outside the form:
    if core.DECODERS[cfg.decoder].attends:  # the form then shows that decoder's own setting
        at.selectbox(key=state.TRAIN_SCORE).set_value(cfg.score)
    else:
        at.selectbox(key=state.TRAIN_FIXED).set_value(cfg.fixed_context)
    at.radio(key=state.TRAIN_CELL).set_value(cfg.cell)
    if cfg.bidirectional:
        at.checkbox(key=state.TRAIN_BIDIRECTIONAL).check()
    at.slider(key=state.TRAIN_LAYERS).set_value(cfg.num_layers)
    at.number_input(key=state.TRAIN_EMB).set_value(cfg.emb_dim)
    at.number_input(key=state.TRAIN_HIDDEN).set_value(cfg.hidden_dim)


@pytest.fixture(scope="session")
def tiny_run(kind, app_dir) -> TinyRun:
    """A run trained through the Train page: the kind's task (with its options where the
    form has controls for them) and architecture, 4 steps, evaluated at 2 and 4."""
    tm = kind.tm
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.switch_page("views/train.py").run()
    keys = preset_task_options(at, kind, app_dir)
    at.selectbox(key=state.TRAIN_TASK).set_value(tm.task).run()
    assert_clean(at)
    for key, value in keys.items():  # the controls show the kind's options
        assert at.get_by_key(key).value == value, key
    set_architecture(at, tm.model.cfg)
    at.number_input(key=state.TRAIN_STEPS).set_value(TINY["steps"])
    at.number_input(key=state.TRAIN_EVAL_EVERY).set_value(TINY["eval_every"])
    at.number_input(key=state.TRAIN_EVAL_SIZE).set_value(TINY["eval_size"])
    at.number_input(key=state.TRAIN_BATCH).set_value(TINY["batch"])
    at.button(key=state.TRAIN_START).click().run()
    assert_clean(at)
    (entry,) = at.session_state[state.RUNS]
    entry.run.join(TIMEOUT)
    at.run()
    return TinyRun(at, entry, dict(entry.run.spec.task_options))


def test_train_view(kind, tiny_run):
    at, entry = tiny_run.at, tiny_run.entry
    assert_clean(at)
    assert [s.value for s in at.success] == [f"Finished {TINY['steps']} steps."]
    assert entry.run.latest_model().model.cfg.arch == kind.tm.model.cfg.arch
    assert column(at, "run") == [entry.name]
    # The samples: the first held-out pairs and the final model's greedy outputs, as the
    # trainer decodes them (a source with unseen tokens too, which Decode would refuse).
    tm = entry.run.latest_model()
    spec = entry.run.spec
    task = core.make_task(spec.task, seed=spec.train.seed, **tiny_run.task_options)
    pairs = task.heldout[:TINY["eval_size"]]
    max_len = max(len(tm.tgt_vocab.encode(p.target)) for p in pairs) + 5
    greedy = core.DecodeConfig(strategy="greedy", max_len=max_len)
    shown_sources = column(at, "source", having=("prediction",))
    sources = [p.source for p in pairs[:len(shown_sources)]]
    assert shown_sources == [named(kind, t, pairs) for t in sources] and sources
    predictions = column(at, "prediction")
    assert predictions == list(core.evaluate(tm, pairs, greedy).predictions[:len(sources)])
    for source, text in zip(sources, predictions):
        if not tm.src_vocab.unknown_tokens(source):
            hyp = core.decode_text(tm, source, greedy).best
            check_hyp(tm, hyp)
            assert text == hyp.text
    if kind.task_options.get("data") is not None:  # the corpus and options the kind has
        assert [p.source for p in task.heldout] == [
            p.source for p in core.make_task(spec.task, seed=0, **kind.task_options).heldout]


def test_replay_view(kind, tiny_run):
    entry = tiny_run.entry
    snaps = entry.run.replay.snapshots()
    assert [s.step for s in snaps] == [TINY["eval_every"], TINY["steps"]]
    probe = next(t for t in kind.inputs if not snaps[-1].tm.src_vocab.unknown_tokens(t))
    at = open_page("views/replay.py", None, entry.task, {state.REPLAY_PROBE: probe},
                   query={QUERY_KEY: entry.run.run_id})
    assert at.slider(key=state.REPLAY_STEP).value == len(snaps) - 1  # the newest first
    for k, snap in enumerate(snaps):  # each snapshot, through the view's player
        at.slider(key=state.REPLAY_STEP).set_value(k).run()
        assert not at.exception, at.exception
        fig = chart(at, state.REPLAY_CHART)
        tr = trace(snap.tm, core.check_source(snap.tm, probe))
        output = check_trace(snap.tm, tr)
        layout = fig["layout"]
        assert layout["title"]["text"] == (f"after {snap.step} steps: prediction "
                                           f"<b>{html.escape(tr.output_text) or '(nothing)'}</b>")
        assert layout["yaxis"]["ticktext"] == thinned_ticks(token_labels(output))[1]
        path = fig["data"][1]
        tokens = source_tokens(snap.tm, probe) if at.radio(key=state.STATES_PART).value \
            == "encoder" else output
        assert path["text"] == token_labels(tokens)
    if snaps[-1].tm.model.has_attention:
        assert fig["layout"]["xaxis"]["ticktext"] == token_labels(source_tokens(snaps[-1].tm,
                                                                                probe))


# ---- Compare, About ----------------------------------------------------------------------

def partner(kind, kinds):
    """Another row of the same task to compare with (the next in ``KINDS``), else None."""
    names = list(kinds)
    turn = names[names.index(kind.name) + 1:] + names[:names.index(kind.name)]
    return next((k for k in (kinds[n]() for n in turn) if k.tm.task == kind.tm.task), None)


def test_compare_view(kind, kinds, shipped, app_dir):
    """Two models of the kind's task (the kind as A, another row of its task, or a copy
    of the kind, as B): one input through both, and the greedy-vs-beam table."""
    other = partner(kind, kinds)
    b_key = save_app_model(other or kind, app_dir, None if other else f"{kind.name}-copy")
    b_tm = (other or kind).tm
    task = kind.tm.task
    text = next(t for t in kind.inputs if not b_tm.src_vocab.unknown_tokens(t))
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.session_state[state.MODEL] = shipped
    at.run()
    at.session_state[state.COMPARE_PICK_TASK] = task
    at.session_state[state.COMPARE_PICK.format("a")] = shipped
    at.session_state[state.COMPARE_PICK.format("b")] = b_key
    box = state.COMPARE_SOURCE
    at.session_state[box.text] = at.session_state[box.widget] = text
    at.session_state[box.task] = task
    at.switch_page("views/compare.py").run()
    assert_clean(at)
    assert at.title[0].value.startswith("Compare")
    codes = [c.value for c in at.code]
    for letter, tm in zip("ab", (kind.tm, b_tm)):
        tr = trace(tm, core.check_source(tm, text))
        output = check_trace(tm, tr)
        assert shown(tr.output_text) in codes
        panel = chart(at, state.COMPARE_PANEL.format(letter))
        if tr.attention is not None:
            check_heatmap(panel, source_tokens(tm, text), output, tr.attention)
        else:
            assert panel["data"][0]["y"] == ["c"]
            assert len(panel["data"][0]["z"][0]) == len(tr.context)
    table = [d.value for d in at.table if "A greedy" in d.value.columns]
    assert table and table[0]["source"].tolist()[0] == named(kind, text.strip())
    assert {"A greedy", "A beam", "B greedy", "B beam"} <= set(table[0].columns)


def test_about_view(kind, shipped):
    at = open_page("views/about.py", shipped, kind.tm.task)
    assert at.title[0].value == "About Seq2Seq Explorer"
