"""Tasks: seeded generators of (source, target) pairs with a disjoint held-out split.

``make_task(name, seed=..., **options)`` is the one entry point the CLI and app use.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from seq2seq_core.tasks.base import Pair, TaskData, split_by_source, split_unique
from seq2seq_core.tasks.dates import DATES_EXAMPLES, generate_dates
from seq2seq_core.tasks.digits import DigitsOptions, generate_digits
from seq2seq_core.tasks.g2p import G2P_EXAMPLES, G2POptions, generate_g2p
from seq2seq_core.tasks.options import OptionSpec, specs
from seq2seq_core.tasks.reverse import REVERSE_EXAMPLES, ReverseOptions, generate_reverse
from seq2seq_core.tasks.tatoeba import LANGUAGES, default_dir, parse_manythings
from seq2seq_core.tasks.translation import (
    CREDIT,
    TRANSLATION_EXAMPLES,
    TranslationOptions,
    generate_translation,
)
from seq2seq_core.tasks.upload import (
    MAX_BYTES,
    MIN_PAIRS,
    UploadError,
    UploadOptions,
    generate_upload,
    parse_pairs,
)


@dataclass(frozen=True)
class NoOptions:
    """A task without options of its own."""


@dataclass(frozen=True)
class TaskInfo:
    """What a task is, for pickers, the CLI and the Train form.

    Attributes:
        name, description, examples: a one-line description and example inputs.
        generate: the generator ``make_task`` calls.
        metrics: the ``seq2seq_core.metrics`` scores that suit the task's outputs.
        options: its options dataclass (``tasks.options``): the CLI's flags and the
            form's controls are built from it.
        pairs_file: the task's data is a pairs file the user gives (``--pairs``).
        reads_data: it reads a corpus (Tatoeba) that may be missing on a machine.
        encoder: the ``cnn_encoder.ENCODERS`` entry its sources need.
        reading: what making the task reads, for a run's "starting" message ("" for a
            task generated from nothing).
        train_defaults: ``(field, value)`` pairs of ``ModelConfig``/``TrainConfig`` fields a
            live run of this task starts from where they differ from the general ones
            (the Train form applies them when the task is picked).
    """

    name: str
    description: str
    examples: tuple[str, ...]
    generate: Callable[..., TaskData]
    metrics: tuple[str, ...] = ("exact_match",)
    options: type = NoOptions
    pairs_file: bool = False
    reads_data: bool = False
    encoder: str = "rnn"
    reading: str = ""
    train_defaults: tuple[tuple[str, Any], ...] = ()

    @property
    def option_specs(self) -> tuple[OptionSpec, ...]:
        """Its options' ``OptionSpec``s, in order."""
        return specs(self.options)


TASKS: dict[str, TaskInfo] = {
    "dates": TaskInfo("dates", "Normalise dates written in English, French, German or "
                      "Spanish (Babel/CLDR formats) to ISO 8601.", DATES_EXAMPLES,
                      generate_dates),
    "reverse": TaskInfo("reverse", "Reverse a random lowercase string; long strings show "
                        "the fixed context vector's limit.", REVERSE_EXAMPLES,
                        generate_reverse, options=ReverseOptions),
    "g2p": TaskInfo("g2p", "Spell English words as ARPAbet phonemes (CMU Pronouncing "
                    "Dictionary): speech -> S P IY1 CH.", G2P_EXAMPLES, generate_g2p,
                    ("word_accuracy", "phoneme_error_rate"), G2POptions,
                    reading="the CMU Pronouncing Dictionary (135,000 words)"),
    "translation": TaskInfo("translation", "Translate short English sentences to French, "
                            "German or Spanish (Tatoeba pairs via ManyThings).",
                            TRANSLATION_EXAMPLES, generate_translation,
                            ("bleu", "chrf", "exact_match"), TranslationOptions,
                            reads_data=True),
    "digits": TaskInfo("digits", "Read a strip of 1-8 handwritten digits (UCI digits, "
                       "Alpaydin and Kaynak): images in, text out.", (), generate_digits,
                       options=DigitsOptions, encoder="cnn-rnn",
                       # bench/digits_live.py: 80% held-out exact match in about 40 s of
                       # CPU on one thread (a one-way GRU-128 at batch 64 is slower to it)
                       train_defaults=(("bidirectional", True), ("emb_dim", 32),
                                       ("hidden_dim", 64), ("batch_size", 32))),
    "upload": TaskInfo("upload", "Your own source/target pairs from a TSV or CSV file.", (),
                       generate_upload, options=UploadOptions, pairs_file=True),
}


def make_task(name: str, **options: Any) -> TaskData:
    """Generate a task's data (options: n_train, n_heldout, seed, and per-task ones).

    Raises:
        ValueError: for an unknown task name or option.
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    info = TASKS[name]
    try:
        data = info.generate(**options)
    except TypeError as err:
        raise ValueError(f"bad option for task {name!r}: {err}") from None
    return dataclasses.replace(data, metrics=info.metrics, encoder=info.encoder)


__all__ = ["CREDIT", "LANGUAGES", "MAX_BYTES", "MIN_PAIRS", "OptionSpec", "Pair", "TASKS",
           "TaskData", "TaskInfo", "UploadError", "default_dir", "make_task", "parse_manythings",
           "parse_pairs", "split_by_source", "split_unique"]
