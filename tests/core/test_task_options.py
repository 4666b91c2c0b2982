"""Task options: one dataclass per task gives the CLI's flags and is checked by name."""

from __future__ import annotations

import argparse

import pytest

from seq2seq_core.cli import _task_options, main
from seq2seq_core.tasks import TASKS
from seq2seq_core.tasks.options import add_flags, check, from_flags, specs
from seq2seq_core.tasks.reverse import ReverseOptions
from seq2seq_core.tasks.translation import TranslationOptions


def parse(argv: list[str]) -> argparse.Namespace:
    parser, seen = argparse.ArgumentParser(), set()
    for info in TASKS.values():
        add_flags(parser, info.options, info.name, seen)
    return parser.parse_args(argv)


def test_every_task_option_is_a_flag_and_its_default_matches_the_generator():
    import inspect
    for info in TASKS.values():
        params = inspect.signature(info.generate).parameters
        for spec in specs(info.options):
            assert spec.name in params, (info.name, spec.name)
            assert params[spec.name].default == spec.default, (info.name, spec.name)
    assert from_flags(ReverseOptions, parse([])) == ReverseOptions()


def test_flags_set_options_and_negated_flags_turn_booleans_off():
    args = parse(["--min-len", "3", "--max-words", "8", "--keep-case", "--no-stress",
                  "--tokenization", "bpe"])  # translation's --tutorial-filter left off
    assert from_flags(ReverseOptions, args) == ReverseOptions(min_len=3)
    tr = from_flags(TranslationOptions, args)
    assert (tr.max_len, tr.lowercase, tr.tokenization, tr.tutorial_prefixes) == \
        (8, False, "bpe", False)
    assert from_flags(TranslationOptions, parse(["--tutorial-filter"])).tutorial_prefixes
    assert from_flags(TASKS["g2p"].options, args).stress is False


def test_a_value_out_of_range_is_refused_by_name():
    with pytest.raises(ValueError, match="min_len must be from 1 to 40; got 0"):
        check(ReverseOptions(min_len=0))
    with pytest.raises(ValueError, match="lang must be one of fra, deu, spa; got 'ita'"):
        check(TranslationOptions(lang="ita"))
    with pytest.raises(ValueError, match="min_len must be from 1 to 40"):
        from_flags(ReverseOptions, parse(["--min-len", "99"]))


def test_the_cli_builds_each_tasks_options_from_its_dataclass(tmp_path):
    ns = argparse.Namespace(task="reverse", seed=3, pairs=None,
                            **vars(parse(["--min-len", "2", "--max-len", "4"])))
    assert _task_options(ns) == {"seed": 3, "min_len": 2, "max_len": 4}
    ns.task = "upload"
    with pytest.raises(ValueError, match="--task upload needs --pairs FILE"):
        _task_options(ns)
    assert main(["train", "--task", "reverse", "--min-len", "0", "--out",
                 str(tmp_path / "m")]) != 0
