"""Task options as frozen dataclasses: one declaration gives the CLI's flags and the app's
form controls, so no caller keeps a per-task ``if`` chain.

A task declares its options with ``option(...)`` fields (default, help text, range or
choices, and the command-line flag); ``add_flags`` adds them to an argparse parser and
``from_flags`` reads them back; the app builds its controls from ``specs``. Options a
task shares with every other task (``seed``, ``n_train``, ``n_heldout``) are not here.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OptionSpec:
    """How one option is shown and checked.

    Attributes:
        name: the field (and ``make_task`` keyword) name.
        default: its default value.
        help: one line for ``--help`` and the form's ``?``.
        label: the form's label.
        kind: "int", "float", "bool", "choice" or "text".
        choices: the allowed values of a "choice" option.
        low, high: the range of an "int" or "float" option (None = open).
        flag: the command-line flag, e.g. "--min-len"; for a bool whose default is True,
            a flag that turns it off (e.g. "--no-stress").
        optional: None is allowed (an "int" left empty means no limit).
    """

    name: str
    default: Any
    help: str
    label: str
    kind: str
    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    flag: str = ""
    optional: bool = False


def option(default: Any, help: str, *, label: str = "", choices: Sequence[Any] = (),
           low: float | None = None, high: float | None = None, flag: str = "",
           optional: bool = False) -> Any:
    """A dataclass field carrying its ``OptionSpec`` (the name and kind are filled in by
    ``specs`` from the field)."""
    meta = {"help": help, "label": label, "choices": tuple(choices), "low": low,
            "high": high, "flag": flag, "optional": optional}
    return dataclasses.field(default=default, metadata={"option": meta})


def _kind(value: Any, meta: dict[str, Any]) -> str:
    if meta["choices"]:
        return "choice"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int) or (value is None and meta["low"] is not None):
        return "int"
    return "float" if isinstance(value, float) else "text"


def specs(options_cls: type) -> tuple[OptionSpec, ...]:
    """The ``OptionSpec`` of every field of an options dataclass, in declaration order."""
    out = []
    for f in dataclasses.fields(options_cls):
        meta = f.metadata["option"]
        out.append(OptionSpec(
            f.name, f.default, meta["help"], meta["label"] or f.name.replace("_", " "),
            _kind(f.default, meta), meta["choices"], meta["low"], meta["high"],
            meta["flag"] or "--" + f.name.replace("_", "-"), meta["optional"]))
    return tuple(out)


def check(options: Any) -> None:
    """Refuse a value outside its range or choices, naming the option.

    Raises:
        ValueError: for the first bad value.
    """
    for spec in specs(type(options)):
        value = getattr(options, spec.name)
        if value is None and spec.optional:
            continue
        if spec.kind == "choice" and value not in spec.choices:
            raise ValueError(f"{spec.name} must be one of "
                             f"{', '.join(map(str, spec.choices))}; got {value!r}")
        if spec.kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{spec.name} must be a number; got {value!r}")
            if (spec.low is not None and value < spec.low) or (
                    spec.high is not None and value > spec.high):
                raise ValueError(f"{spec.name} must be from {spec.low} to {spec.high}; "
                                 f"got {value}")


def _dest(spec: OptionSpec) -> str:
    return "option_" + spec.flag.lstrip("-").replace("-", "_")


def add_flags(parser: argparse.ArgumentParser | Any, options_cls: type, task: str,
              seen: set[str]) -> None:
    """Add an options dataclass's flags to ``parser``; a flag already in ``seen`` (the same
    flag declared by another task) is added once and its value serves both."""
    for spec in specs(options_cls):
        if spec.flag in seen:
            continue
        seen.add(spec.flag)
        if spec.kind == "bool":
            help_text = (f"{task}: turn off '{spec.label}' ({spec.help})" if spec.default
                         else f"{task}: {spec.help}")
            parser.add_argument(spec.flag, dest=_dest(spec), default=spec.default,
                                action="store_false" if spec.default else "store_true",
                                help=help_text)
            continue
        kind = {"int": int, "float": float}.get(spec.kind, str)
        parser.add_argument(spec.flag, dest=_dest(spec), type=kind, default=spec.default,
                            choices=spec.choices or None, metavar=None if spec.choices
                            else spec.name.upper(), help=f"{task}: {spec.help}")


def from_flags(options_cls: type, args: argparse.Namespace) -> Any:
    """The options dataclass from flags parsed after ``add_flags``.

    Raises:
        ValueError: for a value outside its range or choices.
    """
    options = options_cls(**{spec.name: getattr(args, _dest(spec), spec.default)
                             for spec in specs(options_cls)})
    check(options)
    return options
