"""Every shipped model loads, decodes the example on its card correctly, and meets its card."""

import json
from pathlib import Path

import pytest

from seq2seq_core import DecodeConfig, decode_text, load

PRETRAINED = Path(__file__).resolve().parents[2] / "pretrained"
NAMES = sorted(p.name for p in PRETRAINED.iterdir() if (p / "config.json").is_file())


def test_the_foundation_models_are_shipped():
    assert {"dates-attention", "dates-fixed"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_shipped_model_reproduces_its_card(name):
    folder = PRETRAINED / name
    tm = load(folder)
    example = tm.info["example"]
    card = (folder / "CARD.md").read_text(encoding="utf-8")
    assert f"source: {example['source']}" in card and f"output: {example['target']}" in card
    for strategy in ("greedy", "beam"):
        result = decode_text(tm, example["source"], DecodeConfig(strategy=strategy))
        assert result.best.text == example["target"]
    config = json.loads((folder / "config.json").read_text())
    assert config["model"] == json.loads(json.dumps(vars(tm.model.cfg)))


def test_dates_attention_meets_its_goal():
    info = load(PRETRAINED / "dates-attention").info
    assert info["heldout_exact_match"] >= 0.995 and info["heldout_pairs"] == 1000
