"""The ``dates`` task: normalise real, locale-formatted dates to ISO 8601.

Sources are random dates (1900-01-01 to 2099-12-31 inclusive, uniform over
days) rendered with Babel's CLDR data, e.g. ``"mercredi 3 mars 2021"`` or
``"03.03.2021"``; the target is always the ISO 8601 form ``"2021-03-03"``.

Each locale offers CLDR's ``full``, ``long``, ``medium`` and ``short`` date
formats plus a few extra variants (numeric with dots, slashes or dashes, and
an abbreviated weekday + month form). Deliberate choices, so that the
source -> target mapping is a function (one target per source string):

* Two-digit years: ``21`` could be 1921 or 2021 over this range, so every
  ``yy`` (any run of ``y``) in a pattern is rewritten to ``y``, which renders
  the full four-digit year.
* Day/month order: en_US numeric dates are month-first (``M/d/yy``) while
  en_GB, fr_FR and es_ES are day-first with the same ``/`` separator, so
  ``03/04/2021`` would have two targets. en_US therefore keeps only its word
  formats (``full``, ``long``, ``medium``, ``abbr``): its ``short`` format is
  dropped and it gets no numeric variants. Every numeric format of the other
  locales is day-first.
* Duplicates: a format whose pattern (after the rewrite) repeats an earlier
  one of the same locale is dropped, so sampling does not over-weight it:
  de_DE ``short`` (``dd.MM.yy`` -> ``dd.MM.y``) and ``numeric_dots`` both
  equal its ``medium``; es_ES ``numeric_slash`` equals its ``short``
  (``d/M/yy`` -> ``d/M/y``). Numeric formats shared across locales render
  identically and all mean day-month-year, so they do not collide.
* Whitespace: CLDR output may contain no-break spaces (U+00A0) or narrow
  no-break spaces (U+202F); both are normalised to a plain space.
"""

from __future__ import annotations

import datetime
import random
import re
from functools import lru_cache

from babel import Locale
from babel.dates import (
    DateTimeFormat,
    DateTimePattern,
    get_date_format,
    parse_pattern,
    tokenize_pattern,
)

from seq2seq_core.tasks.base import Pair, TaskData, check_sizes, split_unique

DATE_LOCALES: tuple[str, ...] = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES")

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)

_CLDR_FORMATS: tuple[str, ...] = ("full", "long", "medium", "short")
_DAY_FIRST_NUMERIC: dict[str, str] = {
    "numeric_dots": "dd.MM.y",
    "numeric_slash": "d/M/y",
    "numeric_dash": "d-M-y",
}
# Per-locale abbreviated weekday + abbreviated month form.
_ABBR: dict[str, str] = {
    "en_US": "EEE, MMM d, y",
    "en_GB": "EEE, d MMM y",
    "fr_FR": "EEE d MMM y",
    "de_DE": "EEE, d. MMM y",
    "es_ES": "EEE, d MMM y",
}
# Month-first (en_US) numeric formats, dropped to keep the mapping a function.
_DROPPED: dict[str, tuple[str, ...]] = {"en_US": ("short",)}
_MONTH_FIRST: frozenset[str] = frozenset({"en_US"})

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
_QUOTED = re.compile(r"('[^']*')")
_YEARS = re.compile(r"y+")


def _four_digit_year(pattern: str) -> str:
    """Rewrite every run of ``y`` outside quoted literals to a single ``y``."""
    parts = _QUOTED.split(pattern)
    return "".join(
        part if part.startswith("'") else _YEARS.sub("y", part) for part in parts
    )


def _check_locale(locale: str) -> None:
    """Raise ValueError naming the valid locales if ``locale`` is unknown."""
    if locale not in DATE_LOCALES:
        raise ValueError(
            f"unknown locale {locale!r}; choose one of {', '.join(DATE_LOCALES)}"
        )


@lru_cache(maxsize=None)
def _patterns(locale: str) -> tuple[tuple[str, str], ...]:
    """(format name, pattern) pairs of one known locale, in a fixed order."""
    candidates = [
        (name, get_date_format(name, locale=locale).pattern)
        for name in _CLDR_FORMATS
        if name not in _DROPPED.get(locale, ())
    ]
    if locale not in _MONTH_FIRST:
        candidates += list(_DAY_FIRST_NUMERIC.items())
    candidates.append(("abbr", _ABBR[locale]))
    chosen: dict[str, str] = {}
    for name, pattern in candidates:
        pattern = _four_digit_year(pattern)
        if pattern not in chosen.values():
            chosen[name] = pattern
    return tuple(chosen.items())


def date_patterns(locale: str) -> dict[str, str]:
    """Formats used for one locale.

    Args:
        locale: one of ``DATE_LOCALES``, e.g. ``"de_DE"``.

    Returns:
        Format name (``"full"``, ``"long"``, ``"medium"``, ``"short"``,
        ``"numeric_dots"``, ``"numeric_slash"``, ``"numeric_dash"``, ``"abbr"``;
        dropped formats are absent) -> CLDR pattern actually rendered, after
        the ``yy`` -> ``y`` rewrite.

    Raises:
        ValueError: if ``locale`` is not in ``DATE_LOCALES``.
    """
    _check_locale(locale)
    return dict(_patterns(locale))


@lru_cache(maxsize=None)
def _compiled(locale: str, fmt: str) -> tuple[DateTimePattern, Locale]:
    """Parsed pattern and Babel locale for a format, checked and cached."""
    patterns = date_patterns(locale)
    if fmt not in patterns:
        raise ValueError(
            f"unknown format {fmt!r} for locale {locale!r}; "
            f"choose one of {', '.join(patterns)}"
        )
    return parse_pattern(patterns[fmt]), Locale.parse(locale)


def render_date(day: datetime.date, locale: str, fmt: str) -> str:
    """Render a date as a source string.

    Args:
        day: the date to render.
        locale: one of ``DATE_LOCALES``.
        fmt: a format name of ``date_patterns(locale)``.

    Returns:
        The date as CLDR renders it, no-break spaces replaced by plain spaces.

    Raises:
        ValueError: for an unknown locale or format; the message names the
            valid choices.
    """
    pattern, babel_locale = _compiled(locale, fmt)
    return pattern.apply(day, babel_locale).translate(_SPACES)


# Pattern letters that carry the ISO target's fields (CLDR: y year, M/L month, d day).
_FIELD_OF_LETTER: dict[str, str] = {"y": "year", "M": "month", "L": "month", "d": "day"}
# Characters of the ISO target "YYYY-MM-DD" that each field fills.
ISO_FIELD_CHARS: dict[str, range] = {"year": range(0, 4), "month": range(5, 7),
                                     "day": range(8, 10)}


def render_date_spans(day: datetime.date, locale: str,
                      fmt: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """Render a date field by field and say which characters carry which field.

    Walks the parsed CLDR pattern, rendering each field on its own, so the text equals
    ``render_date(day, locale, fmt)`` (a test holds them equal).

    Example: (2021-03-03, "en_US", "long") -> ("March 3, 2021",
    {"month": (0, 5), "day": (6, 7), "year": (9, 13)}); spans are [start, end).

    Raises:
        ValueError: for an unknown locale or format, as ``render_date``.
    """
    _, babel_locale = _compiled(locale, fmt)
    fields = DateTimeFormat(day, babel_locale)
    text, spans = "", {}
    for kind, value in tokenize_pattern(date_patterns(locale)[fmt]):
        piece = fields[value[0] * value[1]] if kind == "field" else value
        piece = piece.translate(_SPACES)
        if kind == "field" and value[0] in _FIELD_OF_LETTER:
            spans[_FIELD_OF_LETTER[value[0]]] = (len(text), len(text) + len(piece))
        text += piece
    return text, spans


@lru_cache(maxsize=65536)
def _field_spans(source: str, target: str) -> tuple[tuple[str, int, int], ...] | None:
    try:
        day = datetime.date.fromisoformat(target)
    except ValueError:
        return None
    for locale in DATE_LOCALES:
        for fmt, _ in _patterns(locale):
            text, spans = render_date_spans(day, locale, fmt)
            if text == source:
                return tuple((name, a, b) for name, (a, b) in spans.items())
    return None


def date_field_spans(source: str, target: str) -> dict[str, tuple[int, int]] | None:
    """Which source characters carry the year, month and day of an ISO target.

    Finds the locale and format that render ``target``'s date as ``source`` (every
    format of ``DATE_LOCALES``; cached) and returns field -> [start, end) character
    span, or None if no format renders it (e.g. a typed date in another style). The
    weekday, when present, is not a field: it carries nothing the target needs.
    """
    found = _field_spans(source, target)
    return None if found is None else {name: (a, b) for name, a, b in found}


def to_iso(day: datetime.date) -> str:
    """The ISO 8601 target for a date, e.g. ``"2021-03-03"``."""
    return day.isoformat()


def _random_pair(rng: random.Random, locales: tuple[str, ...]) -> Pair:
    """One pair: a uniform random date, then locale, then format."""
    day = datetime.date.fromordinal(
        rng.randint(FIRST_DAY.toordinal(), LAST_DAY.toordinal())
    )
    locale = rng.choice(locales)
    fmt = rng.choice(_patterns(locale))[0]
    return Pair(render_date(day, locale, fmt), to_iso(day))


def generate_dates(
    n_train: int = 20000,
    n_heldout: int = 1000,
    seed: int = 0,
    locales: tuple[str, ...] = DATE_LOCALES,
) -> TaskData:
    """Generate the ``dates`` task.

    Each example draws a date uniformly over 1900-01-01..2099-12-31, then a
    locale uniformly from ``locales``, then a format uniformly from that
    locale's ``date_patterns``. Generation is deterministic for a seed (it uses
    its own ``random.Random(seed)``, never the global RNG).

    Args:
        n_train: number of training pairs, at least 1.
        n_heldout: number of held-out pairs, at least 1.
        seed: random seed.
        locales: locales to draw from, each one of ``DATE_LOCALES``.

    Returns:
        ``TaskData(name="dates", ...)`` with exactly ``n_train`` training and
        ``n_heldout`` held-out pairs, char-level on both sides; no source is in
        both sets (nor twice in one).

    Raises:
        ValueError: if ``n_train < 1``, ``n_heldout < 1``, ``locales`` is empty
            or names an unknown locale, or too few unique sources can be drawn.
    """
    check_sizes(n_train, n_heldout)
    if not locales:
        raise ValueError(f"locales is empty; choose from {', '.join(DATE_LOCALES)}")
    for locale in locales:
        _check_locale(locale)
    rng = random.Random(seed)
    total = n_train + n_heldout
    unique: dict[str, Pair] = {}
    for _ in range(20 * total):
        pair = _random_pair(rng, locales)
        unique.setdefault(pair.source, pair)
        if len(unique) == total:
            break
    train, heldout = split_unique(list(unique.values()), n_heldout)
    if len(train) != n_train:
        raise ValueError(
            f"could only draw {len(unique)} unique sources for {total} pairs"
        )
    return TaskData(
        name="dates", train=train, heldout=heldout, src_level="char", tgt_level="char"
    )


DATES_EXAMPLES: tuple[str, ...] = (
    render_date(datetime.date(2021, 3, 3), "en_US", "long"),
    render_date(datetime.date(1969, 7, 20), "en_GB", "full"),
    render_date(datetime.date(1998, 12, 24), "fr_FR", "long"),
    render_date(datetime.date(2004, 2, 29), "de_DE", "medium"),
    render_date(datetime.date(1936, 10, 12), "es_ES", "full"),
    render_date(datetime.date(2077, 6, 1), "es_ES", "numeric_dash"),
)
