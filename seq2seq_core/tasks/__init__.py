"""Tasks: seeded generators of (source, target) pairs with a disjoint held-out split.

``make_task(name, seed=..., **options)`` is the one entry point the CLI and app use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from seq2seq_core.tasks.base import Pair, TaskData, split_unique
from seq2seq_core.tasks.dates import DATES_EXAMPLES, generate_dates
from seq2seq_core.tasks.reverse import REVERSE_EXAMPLES, generate_reverse


@dataclass(frozen=True)
class TaskInfo:
    """What a task is, for pickers: a one-line description and example inputs."""

    name: str
    description: str
    examples: tuple[str, ...]
    generate: Callable[..., TaskData]


TASKS: dict[str, TaskInfo] = {
    "dates": TaskInfo("dates", "Normalise dates written in English, French, German or "
                      "Spanish (Babel/CLDR formats) to ISO 8601.", DATES_EXAMPLES,
                      generate_dates),
    "reverse": TaskInfo("reverse", "Reverse a random lowercase string; long strings show "
                        "the fixed context vector's limit.", REVERSE_EXAMPLES,
                        generate_reverse),
}


def make_task(name: str, **options: Any) -> TaskData:
    """Generate a task's data (options: n_train, n_heldout, seed, and per-task ones).

    Raises:
        ValueError: for an unknown task name or option.
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    try:
        return TASKS[name].generate(**options)
    except TypeError as err:
        raise ValueError(f"bad option for task {name!r}: {err}") from None


__all__ = ["Pair", "TaskData", "TaskInfo", "TASKS", "make_task", "split_unique"]
