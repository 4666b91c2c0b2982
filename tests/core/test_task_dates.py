"""Tests for the ``dates`` task (seq2seq_core.tasks.dates)."""

from __future__ import annotations

import datetime
import random

import pytest

from seq2seq_core.tasks.base import TaskData
from seq2seq_core.tasks.dates import (
    DATE_LOCALES,
    DATES_EXAMPLES,
    date_patterns,
    generate_dates,
    render_date,
    to_iso,
)

TRICKY_YEARS = (1900, 1912, 1921, 2000, 2012, 2021, 2099)


@pytest.fixture(scope="module")
def data() -> TaskData:
    return generate_dates(n_train=3000, n_heldout=300, seed=7)


def _all_pairs(task: TaskData):
    return task.train + task.heldout


def _tricky_dates() -> list[datetime.date]:
    """Every (day, month) with both <= 12 in years where yy is ambiguous."""
    return [
        datetime.date(year, month, day)
        for year in TRICKY_YEARS
        for month in range(1, 13)
        for day in range(1, 13)
    ]


def test_required_locales_present():
    for locale in ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES"):
        assert locale in DATE_LOCALES


def test_targets_are_iso_dates_in_range(data):
    for pair in _all_pairs(data):
        day = datetime.date.fromisoformat(pair.target)
        assert 1900 <= day.year <= 2099
        assert pair.target == to_iso(day)


def test_task_metadata(data):
    assert data.name == "dates"
    assert (data.src_level, data.tgt_level) == ("char", "char")


def test_counts_as_asked(data):
    assert len(data.train) == 3000
    assert len(data.heldout) == 300


def test_no_source_in_both_splits(data):
    train_sources = {pair.source for pair in data.train}
    heldout_sources = {pair.source for pair in data.heldout}
    assert not train_sources & heldout_sources
    assert len(train_sources) == len(data.train)
    assert len(heldout_sources) == len(data.heldout)


def test_same_seed_same_data():
    assert generate_dates(500, 50, seed=3) == generate_dates(500, 50, seed=3)


def test_different_seed_different_data():
    assert generate_dates(500, 50, seed=3) != generate_dates(500, 50, seed=4)


def test_global_rng_untouched():
    random.seed(123)
    state = random.getstate()
    generate_dates(200, 20, seed=1)
    assert random.getstate() == state


def test_every_locale_and_format_appears(data):
    seen: set[tuple[str, str]] = set()
    for pair in _all_pairs(data):
        day = datetime.date.fromisoformat(pair.target)
        for locale in DATE_LOCALES:
            for fmt in date_patterns(locale):
                if render_date(day, locale, fmt) == pair.source:
                    seen.add((locale, fmt))
    expected = {(loc, fmt) for loc in DATE_LOCALES for fmt in date_patterns(loc)}
    assert seen == expected


@pytest.mark.parametrize("locale", DATE_LOCALES)
def test_each_format_of_a_single_locale_appears(locale):
    task = generate_dates(n_train=1000, n_heldout=100, seed=11, locales=(locale,))
    seen = {
        fmt
        for pair in _all_pairs(task)
        for fmt in date_patterns(locale)
        if render_date(datetime.date.fromisoformat(pair.target), locale, fmt)
        == pair.source
    }
    assert seen == set(date_patterns(locale))


def test_mapping_is_a_function_on_tricky_dates():
    target_of: dict[str, str] = {}
    for day in _tricky_dates():
        for locale in DATE_LOCALES:
            for fmt in date_patterns(locale):
                source = render_date(day, locale, fmt)
                assert target_of.setdefault(source, to_iso(day)) == to_iso(day), (
                    f"{source!r} ({locale}, {fmt}) maps to {target_of[source]} "
                    f"and {to_iso(day)}"
                )


def test_mapping_is_a_function_on_whole_years():
    target_of: dict[str, str] = {}
    start = datetime.date(2020, 1, 1).toordinal()
    for ordinal in range(start, start + 366 * 2):
        day = datetime.date.fromordinal(ordinal)
        for locale in DATE_LOCALES:
            for fmt in date_patterns(locale):
                source = render_date(day, locale, fmt)
                assert target_of.setdefault(source, to_iso(day)) == to_iso(day)


def test_mapping_is_a_function_on_large_sample():
    task = generate_dates(n_train=30000, n_heldout=1000, seed=5)
    target_of: dict[str, str] = {}
    for pair in _all_pairs(task):
        assert target_of.setdefault(pair.source, pair.target) == pair.target


def test_no_two_digit_years():
    for locale in DATE_LOCALES:
        for pattern in date_patterns(locale).values():
            assert "yy" not in pattern
    for day in _tricky_dates():
        for locale in DATE_LOCALES:
            for fmt in date_patterns(locale):
                assert str(day.year) in render_date(day, locale, fmt)


def test_en_us_month_first_numeric_dropped():
    assert "short" not in date_patterns("en_US")
    assert all("/" not in p for p in date_patterns("en_US").values())


def test_no_special_spaces(data):
    for pair in _all_pairs(data):
        assert "\u00a0" not in pair.source and "\u202f" not in pair.source
    for source in DATES_EXAMPLES:
        assert "\u00a0" not in source and "\u202f" not in source


def test_cldr_format_names_present():
    for locale in DATE_LOCALES:
        assert {"full", "long", "medium"} <= set(date_patterns(locale))


@pytest.mark.parametrize(
    ("day", "locale", "fmt", "expected"),
    [
        # 2021-03-03 was a Wednesday.
        (datetime.date(2021, 3, 3), "de_DE", "long", "3. März 2021"),
        (datetime.date(2021, 3, 3), "de_DE", "full", "Mittwoch, 3. März 2021"),
        (datetime.date(2021, 3, 3), "de_DE", "medium", "03.03.2021"),
        (datetime.date(2021, 3, 3), "fr_FR", "full", "mercredi 3 mars 2021"),
        (datetime.date(2021, 3, 3), "fr_FR", "short", "03/03/2021"),
        (datetime.date(2021, 3, 3), "es_ES", "long", "3 de marzo de 2021"),
        (datetime.date(2021, 3, 3), "es_ES", "full", "miércoles, 3 de marzo de 2021"),
        (datetime.date(2021, 3, 3), "en_US", "long", "March 3, 2021"),
        (datetime.date(2021, 3, 3), "en_GB", "full", "Wednesday, 3 March 2021"),
        # es_ES short is d/M/yy in CLDR; rewritten to a four-digit year.
        (datetime.date(1921, 4, 5), "es_ES", "short", "5/4/1921"),
        (datetime.date(1999, 12, 31), "en_GB", "short", "31/12/1999"),
    ],
)
def test_hand_checked_examples(day, locale, fmt, expected):
    assert render_date(day, locale, fmt) == expected


def test_to_iso():
    assert to_iso(datetime.date(2021, 3, 3)) == "2021-03-03"
    assert to_iso(datetime.date(1900, 1, 1)) == "1900-01-01"


def test_unknown_locale_raises_naming_choices():
    with pytest.raises(ValueError, match="en_GB"):
        render_date(datetime.date(2021, 3, 3), "xx_XX", "long")
    with pytest.raises(ValueError, match="de_DE"):
        date_patterns("xx_XX")
    with pytest.raises(ValueError, match="fr_FR"):
        generate_dates(10, 2, locales=("fr_FR", "xx_XX"))


def test_unknown_format_raises_naming_choices():
    with pytest.raises(ValueError, match="medium"):
        render_date(datetime.date(2021, 3, 3), "de_DE", "nope")
    with pytest.raises(ValueError, match="full"):
        render_date(datetime.date(2021, 3, 3), "en_US", "short")


@pytest.mark.parametrize(("n_train", "n_heldout"), [(0, 10), (10, 0), (-1, 5)])
def test_bad_counts_raise(n_train, n_heldout):
    with pytest.raises(ValueError):
        generate_dates(n_train, n_heldout)


def test_empty_locales_raise():
    with pytest.raises(ValueError):
        generate_dates(10, 2, locales=())


def test_examples():
    assert 4 <= len(DATES_EXAMPLES) <= 6
    assert len(set(DATES_EXAMPLES)) == len(DATES_EXAMPLES)
    assert all(isinstance(s, str) and s for s in DATES_EXAMPLES)
