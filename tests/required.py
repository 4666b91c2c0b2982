"""Tests of an optional dependency: skipped where it is missing, unless an environment
variable (set by CI) requires it, which turns the skip into a failed run."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest


def skip_or_require(items, reason: str | None, require_env: str,
                    applies: Callable[[pytest.Item], bool], what: str) -> None:
    """Mark ``items`` for which ``applies`` holds as skipped with ``reason`` (None: the
    dependency is there, nothing to do); raise UsageError when ``require_env`` is "1"."""
    if reason is None:
        return
    if os.environ.get(require_env) == "1":
        raise pytest.UsageError(f"{what} are required here but {reason}")
    for item in items:
        if applies(item):
            item.add_marker(pytest.mark.skip(reason=reason))
