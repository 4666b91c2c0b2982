"""Services without a running app: the shipped-model scan, zipped checkpoints, decode."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

import seq2seq_core as core
from ui import services


def test_the_scan_reads_config_and_card_and_skips_broken_folders(monkeypatch, tmp_path,
                                                                  shipped_dir):
    shutil.copytree(shipped_dir / "dates-fixed", tmp_path / "good")
    (tmp_path / "good" / "CARD.md").write_text("# good\n\nA one-line summary.\n\nMore.\n")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv(services.PRETRAINED_ENV, str(tmp_path))
    [model] = services.list_shipped_models()
    assert (model.name, model.task, model.summary) == ("good", "dates", "A one-line summary.")
    assert "fixed context" in model.label
    assert services.default_choice(services.model_choices([])) == "shipped:good"


def test_default_model_is_dates_attention(pretrained):
    choices = services.model_choices([])
    assert list(choices) == ["shipped:dates-attention", "shipped:dates-fixed"]
    assert services.default_choice(choices) == "shipped:dates-attention"
    assert services.default_choice({}) is None


def test_checkpoint_zip_round_trips(pretrained, tmp_path):
    handle = services.resolve_model("shipped:dates-attention", [])
    data = services.checkpoint_zip(handle.tm, "my-model")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"my-model/{f}" for f in core.checkpoint.FILES)
        archive.extractall(tmp_path)
    cfg = core.DecodeConfig(beam_size=3, n_best=3)
    again = core.decode_text(core.load(tmp_path / "my-model"), "March 3, 2021", cfg)
    assert again == core.decode_text(handle.tm, "March 3, 2021", cfg)


def test_decode_returns_greedy_then_beam_and_refuses_bad_input(pretrained):
    handle = services.resolve_model("shipped:dates-attention", [])
    greedy, beam = services.decode(handle, "  March 3, 2021 ", core.DecodeConfig(beam_size=4))
    assert (greedy.strategy, beam.strategy, beam.tree.beam_size) == ("greedy", "beam", 4)
    assert greedy.tree.source_tokens[:5] == tuple("March")
    with pytest.raises(core.InputError, match="empty"):
        services.decode(handle, "   ", core.DecodeConfig())
