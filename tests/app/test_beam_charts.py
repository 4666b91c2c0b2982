"""Beam-tree and sweep builders on a hand-made tree whose layout and scores are worked out
by hand in the comments (no Streamlit)."""

from __future__ import annotations

import json

import pytest
from ui import charts
from ui.charts import beam as bc
from ui.charts import sweep as sweep_charts

import seq2seq_core as core
from seq2seq_core import BeamNode, BeamTree, Hypothesis, SearchResult
from seq2seq_core.search import divergence_step
from seq2seq_core.search.sweep import SweepRow

EOS, A, B, S = 2, 4, 5, 6  # token ids; S is the HTML-looking token "</s>"
TOKENS = {EOS: "<eos>", A: "a", B: "b", S: "</s>"}
VOCAB = core.Vocab(("<pad>", "<bos>", "<eos>", "<unk>", "a", "b", "</s>"))  # ids above


def node(i, parent, step, tok, logp, score, status, rank) -> BeamNode:
    return BeamNode(i, parent, step, tok, TOKENS.get(tok, "<bos>"), logp, score, status, rank,
                    None)


# K = 2. Step 1: a (-0.1) and b (-0.5) kept, <eos> (-2.0) pruned: 1.5 nats below b.
# Step 2: b->a (-0.7) kept, a-><eos> (-1.0) finished, a->b (-1.2) kept, b-></s> (-3.5)
# pruned: 2.3 nats below a->b. Step 3: both beams finish; b->a->b (-2.7) is pruned with
# nothing kept at that step.
TREE = BeamTree(("x", "<eos>"), 2, (
    node(0, None, 0, 1, 0.0, 0.0, "root", 0),
    node(1, 0, 1, A, -0.1, -0.1, "kept", 0),
    node(2, 0, 1, B, -0.5, -0.5, "kept", 1),
    node(3, 0, 1, EOS, -2.0, -2.0, "pruned", 2),
    node(4, 2, 2, A, -0.2, -0.7, "kept", 0),
    node(5, 1, 2, EOS, -0.9, -1.0, "finished", 1),
    node(6, 1, 2, B, -1.1, -1.2, "kept", 2),
    node(7, 2, 2, S, -3.0, -3.5, "pruned", 3),
    node(8, 4, 3, EOS, -0.05, -0.75, "finished", 0),
    node(9, 6, 3, EOS, -0.3, -1.5, "finished", 1),
    node(10, 4, 3, B, -2.0, -2.7, "pruned", 2),
))


def hyp(ids: tuple[int, ...], score: float, leaf: int, finished: bool = True) -> Hypothesis:
    tokens = tuple(TOKENS[i] for i in ids)
    text = "".join(t for t in tokens if t != "<eos>")
    return Hypothesis(tokens, ids, (score / len(ids),) * len(ids), text, score, score,
                      finished, leaf, None)


BEST = hyp((B, A, EOS), -0.75, 8)  # "ba"
GREEDY = hyp((A, EOS), -1.0, 5)  # greedy takes a (-0.1), then <eos> (-0.9): "a"


def traces(fig, name: str) -> list:
    return [t for t in fig.data if t.name == name]


def node_ids(fig) -> set[int]:
    return {c[0] for t in fig.data if t.customdata is not None for c in t.customdata}


def test_layout_hangs_children_below_their_parent_by_hand():
    # step 1 under root (row 0): a 0, b 1, <eos> 2. Step 2 in parent-row order: a's
    # children <eos> 0, b 1; b's children a wants row 1 -> pushed to 2, </s> 3.
    # Step 3: a->b's <eos> 1; b->a's <eos> 2, b 3.
    assert bc.tree_layout(TREE) == {0: 0, 1: 0, 2: 1, 3: 2, 5: 0, 6: 1, 4: 2, 7: 3, 9: 1,
                                    8: 2, 10: 3}


def tiny_search(beam_size: int) -> tuple[BeamTree, core.Vocab]:
    """A real search of an untrained model (wide, flat distributions) and its vocabulary."""
    task = core.make_task("dates", n_train=200, n_heldout=5, seed=0)
    src = core.Vocab.build([p.source for p in task.train])
    tgt = core.Vocab.build([p.target for p in task.train])
    cfg = core.ModelConfig(len(src), len(tgt), emb_dim=8, hidden_dim=16)
    tm = core.TrainedModel(core.build_model(cfg, seed=3).eval(), src, tgt, "dates", {})
    return core.decode_text(tm, task.heldout[0].source,
                            core.DecodeConfig(beam_size=beam_size, max_len=8)).tree, tgt


def tiny_tree(beam_size: int) -> BeamTree:
    return tiny_search(beam_size)[0]


@pytest.mark.parametrize("beam_size", [1, 5, 16])
def test_layout_rows_are_unique_per_step_and_edges_never_cross(beam_size):
    tree = tiny_tree(beam_size)
    y = bc.tree_layout(tree)
    for step in range(1, tree.num_steps + 1):
        nodes = tree.at_step(step)
        assert all(tree.nodes[n.parent].step == step - 1 for n in nodes)
        rows = [y[n.id] for n in nodes]
        assert len(set(rows)) == len(rows)  # no two labels share a row
        by_row = sorted(nodes, key=lambda n: y[n.id])
        parents = [y[n.parent] for n in by_row]
        assert parents == sorted(parents)  # parents in the same order: no crossings
        assert all(y[n.id] >= y[n.parent] for n in nodes)  # children hang below


def test_figure_height_grows_with_the_rows():
    small = bc.beam_tree_figure(*tiny_search(2))
    big = bc.beam_tree_figure(*tiny_search(16))
    assert big.layout.height > small.layout.height
    rows = max(bc.tree_layout(tiny_tree(16)).values()) + 1
    assert big.layout.height >= rows * bc.ROW_PX


def test_a_one_row_tree_is_tall_enough_for_its_legend_at_every_step():
    # K = 1: root -> a (kept) -> <eos> (finished): one row of nodes, five legend entries
    line = BeamTree(("x",), 1, (node(0, None, 0, 1, 0.0, 0.0, "root", 0),
                                node(1, 0, 1, A, -0.1, -0.1, "kept", 0),
                                node(2, 1, 2, EOS, -0.2, -0.3, "finished", 0)))
    best = hyp((A, EOS), -0.3, 2)
    for label_px in (bc.LABEL_PX, 16):
        heights = set()
        for upto in (0, 1, 2):
            fig = bc.beam_tree_figure(line, VOCAB, upto=upto, best=best, greedy=best,
                                      label_px=label_px)
            heights.add(fig.layout.height)
        entries = sum(t.showlegend is not False for t in fig.data)  # at the last step
        assert entries == 5  # best and greedy paths, start, kept, finished
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        assert plot >= entries * 1.5 * max(12, label_px), label_px  # about 1.5 em an entry
        assert len(heights) == 1  # the same height at every step: Play does not jump


def test_every_token_is_escaped():
    fig = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=GREEDY)
    text = json.dumps([list(t.text or []) + list(t.hovertext or []) for t in fig.data])
    assert "&lt;eos&gt;" in text and "&lt;/s&gt;" in text and "&lt;bos&gt;" in text
    assert "<eos>" not in text and "</s>" not in text and "<bos>" not in text
    assert charts.common.token_text(" ") == "\u2423"


def test_pruned_nodes_are_grey_and_finished_ones_green_squares():
    fig = bc.beam_tree_figure(TREE, VOCAB)
    pruned, = traces(fig, "pruned")
    assert sorted(c[0] for c in pruned.customdata) == [3, 7, 10]
    assert pruned.marker.color == bc.STYLE["pruned"][1]
    assert pruned.textfont.color == "#9a9a9a"
    finished, = traces(fig, "finished (&lt;eos&gt;)")
    assert sorted(c[0] for c in finished.customdata) == [5, 8, 9]
    assert finished.marker.symbol == "square"
    dotted = [t for t in fig.data if t.mode == "lines" and t.line.dash == "dot"]
    assert len(dotted) == 1 and dotted[0].x.count(None) == 3  # one edge per pruned node


def hover_of(fig, node_id: int) -> str:
    for t in fig.data:
        if t.customdata is not None:
            for c, h in zip(t.customdata, t.hovertext):
                if c[0] == node_id:
                    return h
    raise AssertionError(f"node {node_id} not drawn")


def test_hover_shows_the_scores_and_how_far_a_pruned_node_fell_short():
    fig = bc.beam_tree_figure(TREE, VOCAB, alpha=1.0)
    # b->a: log p -0.2, cumulative -0.7, normalised -0.7 / ((5 + 2) / 6) = -0.6.
    h = hover_of(fig, 4)
    for part in ("<b>a</b> · step 2 · kept", "prefix: ba", "log p(token) = -0.2000",
                 "cumulative log p = -0.7000", "normalised (α=1) = -0.6000",
                 "rank 1 of 4 candidates", "beam position 1 of 2"):
        assert part in h, part
    assert "beam position 2 of 2" in hover_of(fig, 6)
    assert "fell short of the beam by 1.5000 nats (lowest kept score -0.5000)" in hover_of(
        fig, 3)
    assert "fell short of the beam by 2.3000 nats (lowest kept score -1.2000)" in hover_of(
        fig, 7)
    assert "nothing stayed in the beam" in hover_of(fig, 10)
    assert "fell short" not in hover_of(fig, 8)


def test_an_eos_pruned_for_its_rank_not_its_score_says_so():
    # K = 1, hand-made: <eos> scores -0.5, above the kept a (-1.0), yet was pruned (its
    # rank was outside the top K when it was classified): the hover must not say it
    # "fell short" by a negative amount.
    tree = BeamTree((), 1, (node(0, None, 0, 1, 0.0, 0.0, "root", 0),
                            node(1, 0, 1, A, -1.0, -1.0, "kept", 1),
                            node(2, 0, 1, EOS, -0.5, -0.5, "pruned", 0)))
    assert tree.fell_short() == {2: -0.5}
    assert "only finishes from the top 1" in hover_of(bc.beam_tree_figure(tree, VOCAB), 2)


def path_points(trace) -> set[tuple[float, float]]:
    return {(x, y) for x, y in zip(trace.x, trace.y) if x is not None}


def test_row_tops_keep_the_nodes_of_a_step_apart_and_no_more():
    y = bc.tree_layout(TREE)  # rows: step 1 a, b, <eos> 0-2; step 2 <eos>, b, a, </s>
    # 0-3; step 3 <eos>, <eos>, b 1-3 (the root at 0)
    assert bc.row_tops(TREE, y, {i: 20.0 for i in y}) == [0, 24, 48, 72]  # 10 + 4 + 10
    # presenter mode: <eos> nodes 57.5 px, the others 26; only rows beside one grow
    sizes = {i: 57.5 if TREE.nodes[i].token == "<eos>" else 26.0 for i in y}
    tops = bc.row_tops(TREE, y, sizes)
    gaps = [b - a for a, b in zip(tops, tops[1:])]
    # rows 0-1: step 2's <eos> over b, 28.75 + 4 + 13 (step 1's a over b: only 30);
    # rows 1-2: step 3's two <eos>, 28.75 + 4 + 28.75; rows 2-3: step 3's <eos> over b
    assert gaps == pytest.approx([45.75, 61.5, 45.75])
    rows = {r: [TREE.nodes[i] for i in y if y[i] == r] for r in range(4)}
    for r in range(3):  # the widest pair of one step on rows r, r+1, by brute force
        pairs = [(a, b) for a in rows[r] for b in rows[r + 1] if a.step == b.step]
        need = max([(sizes[a.id] + sizes[b.id]) / 2 + 4 for a, b in pairs], default=0)
        assert gaps[r] == pytest.approx(max(bc.ROW_PX, need)), r


PX = 24  # TREE's rows in pixels at the default 20 px nodes (test above)


def test_best_path_red_greedy_path_orange_and_the_split_marked():
    fig = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=GREEDY)
    y = {i: PX * row for i, row in bc.tree_layout(TREE).items()}
    best, = traces(fig, "best beam path")
    greedy, = traces(fig, "greedy path")
    assert best.line.color == bc.BEST_COLOR and greedy.line.color == bc.GREEDY_COLOR
    assert path_points(best) == {(TREE.nodes[i].step, y[i]) for i in (0, 2, 4, 8)}
    assert path_points(greedy) == {(TREE.nodes[i].step, y[i]) for i in (0, 1, 5)}
    split, = traces(fig, "greedy and beam part here")  # they differ from the first token
    assert (split.x[0], split.y[0]) == (0, 0)
    assert "greedy takes 'a', beam takes 'b'" in split.hovertext[0]
    assert not traces(bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=BEST),
                      "greedy and beam part here")


def test_greedy_leaving_the_recorded_tree_is_marked():
    lost = hyp((A, B, A, EOS), -4.0, -1)  # a->b is recorded, a->b->a is not
    fig = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=lost)
    mark, = traces(fig, "greedy leaves the recorded tree")
    assert (mark.x[0], mark.y[0]) == (2, PX * bc.tree_layout(TREE)[6])
    assert "'aba'" in mark.hovertext[0]


def test_step_limit_reveals_the_search_one_step_at_a_time():
    fig = bc.beam_tree_figure(TREE, VOCAB, upto=1, best=BEST, greedy=GREEDY)
    assert node_ids(fig) == {0, 1, 2, 3}
    best, = traces(fig, "best beam path")
    assert max(x for x in best.x if x is not None) == 1
    assert fig.layout.xaxis.range == (-0.6, 3.6)  # the axes stay put while stepping
    assert node_ids(bc.beam_tree_figure(TREE, VOCAB, upto=0)) == {0}
    assert not traces(bc.beam_tree_figure(TREE, VOCAB, upto=0, best=BEST, greedy=GREEDY),
                      "greedy and beam part here")
    assert node_ids(bc.beam_tree_figure(TREE, VOCAB, upto=99)) == set(range(11))


def test_selected_node_gets_a_ring():
    ring, = traces(bc.beam_tree_figure(TREE, VOCAB, selected=7), "selected node")
    assert (ring.x[0], ring.y[0]) == (2, 3 * PX)
    assert "b&lt;/s&gt;" in ring.hovertext[0]


def test_forced_nodes_have_their_own_style():
    tree = BeamTree((), 1, (node(0, None, 0, 1, 0.0, 0.0, "root", 0),
                            node(1, 0, 1, B, -3.0, -3.0, "forced", 0),
                            node(2, 1, 2, EOS, -0.1, -3.1, "finished", 0)))
    forced, = traces(bc.beam_tree_figure(tree, VOCAB), "forced by you")
    assert forced.marker.symbol == "diamond" and forced.marker.color == bc.STYLE["forced"][1]
    assert "teacher-forced" in hover_of(bc.beam_tree_figure(tree, VOCAB), 1)


def test_node_options_label_every_node_by_step_then_rank():
    options = bc.node_options(TREE, VOCAB)
    assert list(options) == list(range(1, 11))  # ids happen to be in step, rank order
    assert options[3] == "step 1 · pruned · '' + <eos> · log p -2.0000"
    assert options[8] == "step 3 · finished · 'ba' + <eos> · log p -0.7500"
    assert options[7] == "step 2 · pruned · 'b</s>' · log p -3.5000"  # VOCAB.decode
    assert len(set(options.values())) == len(options)
    assert TREE.prefix_ids(7) == (B, S)


def test_divergence_step_counts_the_shared_tokens():
    assert divergence_step(BEST, GREEDY) == 0
    assert divergence_step(BEST, BEST) is None
    assert divergence_step(hyp((A, B, EOS), -1, 9), hyp((A, EOS), -1, 5)) == 1


def test_nbest_table_shows_which_hypotheses_are_correct():
    result = SearchResult("beam", (BEST, hyp((A, B, EOS), -1.5, 9)), TREE)
    assert "matches reference" not in charts.decode.nbest_table(result).columns
    frame = charts.decode.nbest_table(result, [False, True])
    assert frame["text"].tolist() == ["ba", "ab"]
    assert frame["matches reference"].tolist() == [False, True]


def test_strategies_table_normalises_every_row_with_the_same_alpha():
    frame = bc.strategies_table([("greedy", GREEDY), ("beam", BEST)], alpha=1.0,
                                correct=[False, True])
    # lp(2) = 7/6, lp(3) = 8/6: -1.0 / (7/6) and -0.75 / (8/6).
    assert frame["normalized score"].tolist() == pytest.approx([-6 / 7, -0.5625])
    assert frame["log-prob"].tolist() == [-1.0, -0.75]
    assert frame["matches reference"].tolist() == [False, True]


ROWS = (SweepRow(1, 10, 0.6, -1.2, 11.0, 3, 1, 0), SweepRow(2, 10, 0.8, -1.0, 11.0, 0, 2, 0),
        SweepRow(16, 10, 0.8, -0.9, 10.5, 0, 2, 0))


def test_sweep_figure_plots_each_measure_against_width():
    fig = sweep_charts.sweep_figure(ROWS)
    lines = [t for t in fig.data if t.type == "scatter"]
    assert [list(t.y) for t in lines] == [[0.6, 0.8, 0.8], [-1.2, -1.0, -0.9],
                                          [11.0, 11.0, 10.5]]
    assert all(list(t.x) == ["1", "2", "16"] for t in fig.data)
    bars = {t.name: list(t.y) for t in fig.data if t.type == "bar"}
    assert bars == {"search errors": [3, 0, 0], "model errors": [1, 2, 2],
                    "unknown": [0, 0, 0]}
    assert not fig.layout.annotations[4:]  # only the four subplot titles


def test_sweep_figure_says_when_nothing_was_wrong():
    perfect = (SweepRow(1, 5, 1.0, -0.01, 11.0, 0, 0, 0),)
    texts = [a.text for a in sweep_charts.sweep_figure(perfect).layout.annotations]
    assert "no wrong outputs" in texts


def test_sweep_frame_has_readable_columns():
    frame = sweep_charts.sweep_frame(ROWS)
    assert list(frame.columns) == ["beam width", "pairs", "exact match", "mean log-prob",
                                   "mean length", "search errors", "model errors", "unknown"]
    assert frame["search errors"].tolist() == [3, 0, 0]


def test_sweep_with_bleu_adds_a_panel_and_columns():
    rows = tuple(SweepRow(r.beam_size, r.n, r.exact_match, r.mean_log_prob, r.mean_length,
                          r.search_errors, r.model_errors, r.unknown,
                          {"bleu": b, "chrf": 50.0}) for r, b in zip(ROWS, (30.0, 33.5, 34.0)))
    fig = sweep_charts.sweep_figure(rows)
    assert [a.text for a in fig.layout.annotations][4] == "BLEU"
    bleu_line = [t for t in fig.data if t.type == "scatter"][-1]
    assert list(bleu_line.y) == [30.0, 33.5, 34.0] and bleu_line.xaxis == "x5"
    frame = sweep_charts.sweep_frame(rows)
    assert list(frame.columns)[-2:] == ["BLEU", "chrF"]
    assert frame["BLEU"].tolist() == [30.0, 33.5, 34.0]


def test_attention_heatmap_slants_the_labels_of_a_long_source():
    attention = ((1.0,) + (0.0,) * 30,)
    long_hyp = Hypothesis(("a",), (A,), (-0.1,), "a", -0.1, -0.1, False, 1, attention)
    assert charts.decode.attention_heatmap(long_hyp, ("x",) * 31).layout.xaxis.tickangle == -60
    short = Hypothesis(("a",), (A,), (-0.1,), "a", -0.1, -0.1, False, 1, ((1.0, 0.0),))
    assert charts.decode.attention_heatmap(short, ("x", "<eos>")).layout.xaxis.tickangle == 0


def test_without_pruned_candidates_the_tree_is_its_kept_and_finished_nodes():
    # TREE without nodes 3, 7, 10 (pruned), worked out by hand: root 0; step 1 a 0, b 1;
    # step 2 a-><eos> 0, a->b 1, b->a 2; step 3 b->a-><eos> 2, a->b-><eos> 1 -> pushed
    # below its neighbour's parent order: a->b (row 1) first, so its <eos> is row 1.
    y = bc.tree_layout(TREE, pruned=False)
    assert y == {0: 0, 1: 0, 2: 1, 5: 0, 6: 1, 4: 2, 9: 1, 8: 2}
    fig = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=GREEDY, pruned=False)
    assert not traces(fig, "pruned") and traces(full := bc.beam_tree_figure(
        TREE, VOCAB, best=BEST, greedy=GREEDY), "pruned")
    drawn = sorted(c[0] for t in fig.data if t.mode == "markers+text" for c in t.customdata)
    assert drawn == sorted(y)
    assert fig.layout.height < full.layout.height


@pytest.mark.parametrize("beam_size", [2, 5, 16])
def test_without_pruned_candidates_rows_stay_unique_and_the_tree_is_shorter(beam_size):
    tree = tiny_tree(beam_size)
    y = bc.tree_layout(tree, pruned=False)
    assert not [i for i in y if tree.nodes[i].status == "pruned"]
    for step in range(1, tree.num_steps + 1):
        nodes = [n for n in tree.at_step(step) if n.id in y]
        rows = [y[n.id] for n in nodes]
        assert len(set(rows)) == len(rows) and all(y[n.id] >= y[n.parent] for n in nodes)
    assert max(y.values()) < max(bc.tree_layout(tree).values())
