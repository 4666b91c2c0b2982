"""The command line on every kind of model, from a checkpoint saved with
``seq2seq_core.save``: ``decode`` prints what ``decode_text`` finds, ``evaluate`` what
``evaluate`` reports. Run in-process through ``cli.main`` (as tests/core/test_cli.py
does); one slow test runs ``python -m seq2seq_core`` itself, on the words kind.

An image model's CLI takes PNG files where a text model takes texts, and a folder of
PNGs with ``labels.tsv`` as its pairs: its cells give each strip as a PNG, and compare
with the core on the strip each PNG is read as (``images.read_image``); "as typed" is
then the same strip drawn 6x larger with the other polarity."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from seq2seq_core import DecodeConfig, Pair, decode_text, evaluate, load, save
from seq2seq_core.cli import main
from seq2seq_core.images import read_image, strip_image, strip_width
from seq2seq_core.vocab import EOS

ROOT = Path(__file__).resolve().parents[2]


def is_image(kind) -> bool:
    return kind.tm.src_vocab.level == "image"


def png(text: str, scale: int = 1, dark_on_light: bool = True) -> bytes:
    """A strip drawn as a PNG, ``scale`` screen pixels per strip pixel."""
    ink = np.kron(strip_image(text), np.ones((scale, scale)))
    grey = (1.0 - ink) if dark_on_light else ink
    out = io.BytesIO()
    Image.fromarray(np.rint(grey * 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def cli_sources(kind, texts, folder: Path, scale: int = 1,
                dark_on_light: bool = True) -> tuple[list[str], list[str]]:
    """(what the CLI is given, the source text each is read as): the texts, or for an
    image model a PNG file of each strip and the strip read back from it."""
    if not is_image(kind):
        return list(texts), list(texts)
    folder.mkdir(parents=True, exist_ok=True)
    paths, read = [], []
    for i, text in enumerate(texts):
        data = png(text, scale, dark_on_light)
        (folder / f"s{i}.png").write_bytes(data)
        paths.append(str(folder / f"s{i}.png"))
        read.append(read_image(data))
    return paths, read


def decode_json(capsys, checkpoint, kind, texts, *flags):
    code = main(["decode", "--model", str(checkpoint), "--json", "--max-len",
                 str(kind.max_len), *flags, *texts])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, records


def check_record(kind, record, text, width, given=None):
    """A printed hypothesis is the one decode_text finds, spelled by the vocabulary
    (``given``: what the CLI was given for ``text``, an image file)."""
    src, vocab = kind.tm.src_vocab, kind.tm.tgt_vocab
    cfg = DecodeConfig(strategy="beam" if width else "greedy", beam_size=max(width, 1),
                       n_best=max(width, 1), max_len=kind.max_len)
    result = decode_text(kind.tm, text, cfg)
    assert record["source"] == (text if given is None else given)
    if is_image(kind):
        assert record["columns"] == strip_width(text)
    assert record["source_tokens"] == [*src.split(text), EOS]
    assert [h["text"] for h in record["hypotheses"]] == [h.text for h in result.hypotheses]
    for shown, hyp in zip(record["hypotheses"], result.hypotheses):
        assert tuple(shown["tokens"]) == hyp.tokens
        body = shown["tokens"][:-1] if shown["tokens"][-1:] == [EOS] else shown["tokens"]
        assert shown["text"] == vocab.join(body)
        assert shown["score"] == pytest.approx(hyp.score, abs=1e-4)
        assert (shown["attention"] is not None) == kind.tm.model.has_attention


def test_checkpoint_round_trip(kind, checkpoint):
    back = load(checkpoint)
    assert back.src_vocab == kind.tm.src_vocab and back.tgt_vocab == kind.tm.tgt_vocab
    assert back.model.cfg == kind.tm.model.cfg


@pytest.mark.parametrize("width", [0, 3])
def test_cli_decode(kind, checkpoint, capsys, tmp_path, width):
    given, texts = cli_sources(kind, kind.inputs, tmp_path)
    code, records = decode_json(capsys, checkpoint, kind, given, "--beam", str(width),
                                "--n-best", str(max(width, 1)))
    assert code == 0 and len(records) == len(kind.inputs)
    for record, text, arg in zip(records, texts, given, strict=True):
        check_record(kind, record, text, width, arg)


def test_cli_decode_plain_from_stdin(kind, checkpoint, capsys, monkeypatch, tmp_path):
    given, texts = cli_sources(kind, kind.inputs, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(t + "\n" for t in given)))
    assert main(["decode", "--model", str(checkpoint), "--max-len", str(kind.max_len)]) == 0
    lines = capsys.readouterr().out.splitlines()
    cfg = DecodeConfig(strategy="greedy", max_len=kind.max_len)
    best = [decode_text(kind.tm, t, cfg).best.text for t in texts]
    if is_image(kind):  # file<TAB>text<TAB>score
        assert [line.split("\t")[:2] for line in lines] == [list(p) for p in zip(given, best)]
    else:
        assert [line.rsplit("\t", 1)[0] for line in lines] == best


def test_cli_decode_as_typed(kind, checkpoint, capsys, tmp_path):
    typed, _ = cli_sources(kind, [t for t, _ in kind.variants], tmp_path / "typed", 6, False)
    written, _ = cli_sources(kind, [w for _, w in kind.variants], tmp_path / "written")
    code, records = decode_json(capsys, checkpoint, kind, typed, "--beam", "2",
                                "--n-best", "2")
    assert code == 0 and [r.get("error") for r in records] == [None] * len(typed)
    _, want = decode_json(capsys, checkpoint, kind, written, "--beam", "2", "--n-best", "2")
    for got, expected in zip(records, want, strict=True):
        assert got["source_tokens"] == expected["source_tokens"]
        assert got["hypotheses"] == expected["hypotheses"]


def write_pairs(path, pairs):
    path.write_text("".join(f"{p.source}\t{p.target}\n" for p in pairs), encoding="utf-8")
    return path


def cli_pairs(kind, pairs, folder: Path, scale: int = 1,
              dark_on_light: bool = True) -> tuple[Path, list[Pair]]:
    """(what ``evaluate --pairs`` is given, the pairs it is read as): a pairs file, or for
    an image model a folder of PNGs with labels.tsv."""
    if not is_image(kind):
        folder.mkdir(parents=True, exist_ok=True)
        return write_pairs(folder / "pairs.tsv", pairs), list(pairs)
    given, texts = cli_sources(kind, [p.source for p in pairs], folder, scale, dark_on_light)
    (folder / "labels.tsv").write_text("".join(
        f"{Path(g).name}\t{p.target}\n" for g, p in zip(given, pairs)), encoding="utf-8")
    return folder, [Pair(t, p.target) for t, p in zip(texts, pairs)]


@pytest.mark.parametrize("width", [0, 3])
def test_cli_evaluate(kind, checkpoint, tmp_path, capsys, width):
    path, pairs = cli_pairs(kind, kind.pairs, tmp_path / "pairs")
    assert main(["evaluate", "--model", str(checkpoint), "--pairs", str(path), "--json",
                 "--max-len", str(kind.max_len), "--beam", str(width)]) == 0
    printed = json.loads(capsys.readouterr().out)
    cfg = DecodeConfig(strategy="beam" if width else "greedy", beam_size=max(width, 1),
                       n_best=1, max_len=kind.max_len)
    report = evaluate(kind.tm, pairs, cfg, metrics=kind.metrics)
    assert printed["n"] == report.n == len(kind.pairs)
    assert printed["exact_match"] == pytest.approx(report.exact_match)
    assert printed["token_accuracy"] == pytest.approx(report.token_accuracy)
    by_length = printed["exact_match_by_source_length"]
    assert by_length == {str(k): {"n": n, "exact_match": pytest.approx(em)}
                         for k, (n, em) in report.by_length.items()}
    assert sum(v["n"] * v["exact_match"] for v in by_length.values()) == \
        pytest.approx(printed["exact_match"] * printed["n"])
    for name in kind.metrics:
        assert printed[name] == pytest.approx(report.scores[name])


def test_cli_evaluate_as_typed(kind, checkpoint, tmp_path, capsys):
    """A pairs file written as a user types gives the figures of the same file as the
    task writes it (an image model: a folder of the strips drawn 6x with the other
    polarity gives the figures of the folder drawn 1x)."""
    target = kind.pairs[0].target
    reports = []
    for side in (0, 1):
        path, _ = cli_pairs(kind, [Pair(v[side], target) for v in kind.variants],
                            tmp_path / f"pairs{side}", 6 if side == 0 else 1, side == 1)
        assert main(["evaluate", "--model", str(checkpoint), "--pairs", str(path), "--json",
                     "--max-len", str(kind.max_len)]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1]


@pytest.fixture(scope="module")
def words_checkpoint(kinds, tmp_path_factory):
    kind = kinds["words"]()
    return kind, save(tmp_path_factory.mktemp("python-m") / "words", kind.tm)


@pytest.mark.slow
def test_python_m(words_checkpoint, tmp_path):
    """``python -m seq2seq_core`` decode and evaluate in their own processes (about 4 s
    of imports each), on the words model, with typed input in argv and UTF-8 out."""
    kind, checkpoint = words_checkpoint
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}

    def run(*args):
        out = subprocess.run([sys.executable, "-m", "seq2seq_core", *args,
                              "--model", str(checkpoint), "--json", "--max-len",
                              str(kind.max_len)], capture_output=True, text=True, check=False,
                             encoding="utf-8", env=env, cwd=ROOT, timeout=120)
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    texts = [kind.variants[0][0], *kind.inputs[:2]]
    records = run("decode", "--beam", "2", "--n-best", "2", *texts)
    assert len(records) == len(texts)
    for record, text in zip(records, texts):
        check_record(kind, record, text, 2)
    pairs = write_pairs(tmp_path / "pairs.tsv", kind.pairs)
    (printed,) = run("evaluate", "--pairs", str(pairs))
    report = evaluate(kind.tm, kind.pairs, DecodeConfig(strategy="greedy",
                                                        max_len=kind.max_len))
    assert printed["n"] == report.n
    assert printed["exact_match"] == pytest.approx(report.exact_match)
