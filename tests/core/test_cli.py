"""The command line: train, decode (text, stdin, JSON) and evaluate."""

import io
import json

import pytest

from seq2seq_core.cli import main


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "rev"
    code = main(["train", "--task", "reverse", "--min-len", "3", "--max-len", "5",
                 "--hidden-dim", "48", "--emb-dim", "16", "--lr", "0.01", "--steps", "300",
                 "--eval-every", "150", "--out", str(out)])
    assert code == 0
    return out


def test_train_prints_progress_and_saves(model_dir, capsys):
    assert (model_dir / "model.safetensors").is_file()


def test_decode_json(model_dir, capsys):
    assert main(["decode", "--model", str(model_dir), "--beam", "3", "--json", "abcd"]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    best = record["hypotheses"][0]
    assert record["source_tokens"] == ["a", "b", "c", "d", "<eos>"]
    assert best["tokens"][-1] == "<eos>" and best["text"] == "".join(best["tokens"][:-1])
    assert best["score"] == pytest.approx(sum(best["log_probs"]))
    assert len(best["attention"]) == len(best["tokens"])
    assert all(len(row) == 5 and abs(sum(row) - 1) < 1e-5 for row in best["attention"])


def test_decode_reads_stdin_and_reports_bad_lines(model_dir, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("abc\nab9\n"))
    assert main(["decode", "--model", str(model_dir)]) == 1
    out = capsys.readouterr()
    assert len(out.out.strip().splitlines()) == 1
    assert "'9'" in out.err


def test_evaluate_reports_by_length(model_dir, tmp_path, capsys):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("abc\tcba\nabcd\tdcba\nxyz\tzyx\nqq\tnot-the-reverse\n")
    assert main(["evaluate", "--model", str(model_dir), "--pairs", str(pairs), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 4
    assert report["exact_match_by_source_length"]["2"] == {"n": 1, "exact_match": 0.0}
    assert report["exact_match"] <= 0.75


def test_evaluate_names_a_bad_line(model_dir, tmp_path, capsys):
    pairs = tmp_path / "bad.tsv"
    pairs.write_text("abc\tcba\nno tab here\n")
    assert main(["evaluate", "--model", str(model_dir), "--pairs", str(pairs)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_missing_model_is_a_clear_error(tmp_path, capsys):
    assert main(["decode", "--model", str(tmp_path / "none"), "abc"]) == 2
    assert "not a folder" in capsys.readouterr().err
