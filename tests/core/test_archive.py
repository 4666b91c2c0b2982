"""Uploaded checkpoint archives: a good one loads exactly; crafted pickles, truncated
files, random bytes, zip bombs, stray files and mismatched or oversized models are each
refused with a clear message, and nothing in them is ever executed."""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import torch

import seq2seq_core as core
from seq2seq_core.server.archive import load_zip
from seq2seq_core.server.limits import Limits
from seq2seq_core.vocab import Vocab
from tests.hostile_files import (
    PAYLOADS,
    checkpoint_files,
    evil_pickle,
    evil_torch_file,
    hostile_model,
    hostile_zip,
    tiny_model,
    zip_files,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tm(toy_vocab):
    return tiny_model(toy_vocab, toy_vocab, decoder="attention")


@pytest.fixture
def files(tm):
    return checkpoint_files(tm)


def logits(model):
    src = torch.tensor([[4, 5, 6, 2]])
    return model.model(src, src != 0, torch.tensor([[1, 4, 5]]))[0]


def test_a_downloaded_checkpoint_loads_back_exactly(tm, files):
    name, loaded = load_zip(zip_files(files, "seq2seq-run1-reverse-step30"))
    assert name == "seq2seq-run1-reverse-step30"
    assert torch.equal(logits(loaded), logits(tm)) and not loaded.model.training
    assert load_zip(zip_files(files, folder=""))[0] == "checkpoint"  # files at the top


def test_the_pickle_payloads_really_run_code(tmp_path):
    """The payloads below are live: unpickling them does touch the marker file."""
    marker = tmp_path / "ran"
    pickle.loads(evil_pickle(marker))
    assert marker.exists()


UPLOADS = {  # name -> (how the upload is built from (files, marker), expected message)
    "torch.save file": (lambda f, m: evil_torch_file(m), "Unexpected file"),
    "raw pickle": (lambda f, m: evil_pickle(m), "not a .zip archive"),
    "pickle as weights": (lambda f, m: zip_files({**f, "model.safetensors": evil_pickle(m)}),
                          "model.safetensors cannot be read"),
    "pickle as config": (lambda f, m: zip_files({**f, "config.json": evil_pickle(m)}),
                         "config.json is not valid JSON"),
    "pickle beside": (lambda f, m: zip_files({**f, "data.pkl": evil_pickle(m)}),
                      "Unexpected file 'ckpt/data.pkl'"),
}


def test_crafted_pickles_are_refused_and_never_run_even_when_torch_is_told_to(files,
                                                                              tmp_path):
    marker, paths = tmp_path / "ran", []
    for i, (build, _) in enumerate(UPLOADS.values()):
        paths.append(tmp_path / f"upload{i}.zip")
        paths[-1].write_bytes(build(files, marker))
    code = ("import sys; from pathlib import Path; "
            "from seq2seq_core.server.archive import load_zip;"
            "from seq2seq_core import CheckpointError\n"
            "for path in sys.argv[1:]:\n"
            "    try:\n        load_zip(Path(path).read_bytes()); print('LOADED')\n"
            "    except CheckpointError as err:\n        print('refused:', err)\n")
    env = {**os.environ, "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}  # would re-enable pickle
    out = subprocess.run([sys.executable, "-c", code, *map(str, paths)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(UPLOADS)
    for line, (kind, (_, message)) in zip(lines, UPLOADS.items()):
        assert line.startswith("refused:") and message in line, (kind, line)
    assert not marker.exists()  # nothing was unpickled


def test_nothing_in_the_core_can_unpickle():
    offenders = [p.name for p in (ROOT / "seq2seq_core").rglob("*.py")
                 if any(s in p.read_text() for s in ("torch.load", "import pickle",
                                                     "pickle.load", "weights_only"))]
    assert offenders == []


@pytest.mark.parametrize("data, message", [
    (b"", "not a .zip archive"),
    (bytes(range(256)) * 40, "not a .zip archive"),
    (b"PK\x03\x04" + os.urandom(500), "not a .zip archive"),
])
def test_random_bytes_are_refused(data, message):
    with pytest.raises(core.CheckpointError, match=message):
        load_zip(data)


def test_a_truncated_archive_is_refused(files):
    data = zip_files(files)
    for cut in (len(data) // 3, len(data) - 30):
        with pytest.raises(core.CheckpointError, match="not a .zip archive|damaged"):
            load_zip(data[:cut])


def test_a_corrupted_member_is_refused(files):
    data = bytearray(zip_files({"config.json": files["config.json"], **files}))
    start = data.index(b"config.json") + len(b"config.json") + 5
    data[start:start + 20] = bytes(20)  # inside the deflated config.json
    with pytest.raises(core.CheckpointError):
        load_zip(bytes(data))


def test_size_files_and_zip_bombs_are_bounded(files):
    data = zip_files(files)
    with pytest.raises(core.CheckpointError, match="this server accepts checkpoints up to"):
        load_zip(data, Limits(max_upload_bytes=len(data) - 1))
    with pytest.raises(core.CheckpointError, match="holds 4 files; a checkpoint has at most 3"):
        load_zip(data, Limits(max_upload_files=3))
    bomb = zip_files({**files, "CARD.md": bytes(50 * 2**20)})  # 50 MB of zeros, ~50 kB
    assert len(bomb) < 2**20
    with pytest.raises(core.CheckpointError, match="unpacks to more than 2.0 MB"):
        load_zip(bomb, Limits(max_upload_bytes=2**20))


@pytest.mark.parametrize("name", ["../../evil.py", "ckpt/../../x", "ckpt/run.sh",
                                  "/etc/passwd", "ckpt/sub/config.json"])
def test_unexpected_or_escaping_paths_are_refused(files, name):
    buffer = io.BytesIO(zip_files(files))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, b"x")
    with pytest.raises(core.CheckpointError, match="Unexpected file|more than one folder"):
        load_zip(buffer.getvalue())


def test_a_missing_file_is_named(files):
    del files["tgt_vocab.json"]
    with pytest.raises(core.CheckpointError, match="lacks tgt_vocab.json"):
        load_zip(zip_files(files))


def test_files_from_another_vocabulary_or_architecture_are_refused(files, toy_vocab):
    big = Vocab.build(["abcdefghijklmnop"], "char")
    other = checkpoint_files(tiny_model(big, big))
    with pytest.raises(core.CheckpointError, match="different models"):
        load_zip(zip_files({**files, "src_vocab.json": other["src_vocab.json"]}))
    lstm = checkpoint_files(tiny_model(toy_vocab, toy_vocab, cell="lstm"))
    with pytest.raises(core.CheckpointError, match="do not match"):
        load_zip(zip_files({**files, "model.safetensors": lstm["model.safetensors"]}))


def _with_config(files, edit) -> bytes:
    config = json.loads(files["config.json"])
    edit(config)
    return zip_files({**files, "config.json": json.dumps(config).encode()})


def test_an_oversized_model_is_refused_before_any_weight_is_allocated(files):
    def huge(config):
        config["model"].update(hidden_dim=4096, emb_dim=4096, num_layers=4,
                               src_vocab_size=20_000, tgt_vocab_size=20_000)
    with pytest.raises(core.CheckpointError, match="parameters; this server allows"):
        load_zip(_with_config(files, huge))  # ~1e9 parameters: building it would need GBs
    with pytest.raises(core.CheckpointError, match="source vocabulary has 12 tokens"):
        load_zip(zip_files(files), Limits(max_vocab_tokens=11))


def test_deeply_nested_json_is_refused(files):
    nested = ("[" * 100_000 + "]" * 100_000).encode()
    with pytest.raises(core.CheckpointError, match="nested too deeply"):
        load_zip(zip_files({**files, "config.json": nested}))


def test_hostile_text_in_names_tokens_and_metadata_stays_plain_text():
    name, tm = load_zip(hostile_zip())
    assert name == "img-src-x-onerror-window.__pwned-1"  # folder names reduced to safe chars
    assert tm.task == PAYLOADS[0] and tm.tgt_vocab.tokens[4:] == PAYLOADS  # kept as text
    assert "steps" not in tm.info and "heldout_exact_match" not in tm.info  # not numbers
    assert "seed" not in tm.info["train_config"] and "task_options" not in tm.info
    assert tm.info["heldout_scores"] == {"greedy": {}}  # a payload is no metric name
    assert tm.info["note"] == PAYLOADS[2] and tm.info["example"]["target"] == PAYLOADS[6]
    assert hostile_model().tgt_vocab == tm.tgt_vocab
