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
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(tmp_path))
    [model] = services.models.list_shipped_models()
    assert (model.name, model.task, model.summary) == ("good", "dates", "A one-line summary.")
    assert "fixed context" in model.label
    assert services.models.default_choice(services.models.model_choices([])) == "shipped:good"


def test_default_model_is_dates_attention(pretrained):
    choices = services.models.model_choices([])
    assert list(choices) == ["shipped:dates-attention", "shipped:dates-fixed"]
    assert services.models.default_choice(choices) == "shipped:dates-attention"
    assert services.models.default_choice({}) is None


def test_checkpoint_zip_round_trips(pretrained, tmp_path):
    handle = services.models.resolve_model("shipped:dates-attention", [])
    data = services.models.checkpoint_zip(handle.tm, "my-model")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(f"my-model/{f}" for f in core.checkpoint.FILES)
        archive.extractall(tmp_path)
    cfg = core.DecodeConfig(beam_size=3, n_best=3)
    again = core.decode_text(core.load(tmp_path / "my-model"), "March 3, 2021", cfg)
    assert again == core.decode_text(handle.tm, "March 3, 2021", cfg)


def test_decode_returns_greedy_then_beam_and_refuses_bad_input(pretrained):
    handle = services.models.resolve_model("shipped:dates-attention", [])
    greedy, beam = services.decode.greedy_and_beam(handle, "  March 3, 2021 ",
                                                   core.DecodeConfig(beam_size=4))
    assert (greedy.strategy, beam.strategy, beam.tree.beam_size) == ("greedy", "beam", 4)
    assert greedy.tree.source_tokens[:5] == tuple("March")
    with pytest.raises(core.InputError, match="empty"):
        services.decode.greedy_and_beam(handle, "   ", core.DecodeConfig())


def test_correct_accepts_any_reference_as_the_vocabulary_spells_it(pretrained):
    handle = services.models.resolve_model("shipped:dates-attention", [])
    refs = ["1999-01-01", "2021-03-03"]
    assert services.decode.correct(handle, ["2021-03-03", "2021-03-04", "<unk>"], refs) == \
        [True, False, False]
