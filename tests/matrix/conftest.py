"""The correctness matrix: every core path on every kind of model.

Rows are the model kinds in ``KINDS``: characters (dates), phonemes (g2p), words,
subwords (BPE, unigram), the architecture variants on the dates task (LSTM,
bidirectional, two layers, attention after the RNN, the two fixed-context decoders), and
images (digit strips read by the CNN encoder). Columns are the core paths, one test module per layer
(``test_search_matrix``, ``test_inside_matrix``, ``test_evaluate_matrix``,
``test_cli_matrix``, and every page of the app in ``test_views_matrix``). Every test
takes the ``kind`` fixture, so adding a kind of model is one builder below and one row
in ``KINDS``.

For the images row a cell checks the image equivalent of its idea: "as typed" is a strip
without its "#..." tail of gold spans (or, at the CLI, the strip as a PNG drawn 6x
with the other polarity), the CLI is given PNG files and a folder of PNGs with
labels.tsv, and by-length figures count a strip's digits.

A cell that fails because of a known core bug is listed in ``KNOWN_BUGS`` with the bug;
it is then marked ``xfail(strict=True)``, so the cell turns red the moment the bug is
fixed and the entry must go.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import torch

import seq2seq_core as core
from seq2seq_core import Pair, TrainConfig, TrainedModel

SMALL = {"emb_dim": 16, "hidden_dim": 32}


@dataclass(frozen=True)
class Kind:
    """One row of the matrix: a small model and inputs it can read.

    Attributes:
        name: the row's name (the test id).
        tm: the model, in eval mode.
        inputs: source texts every vocabulary covers (decoded, traced, swept).
        pairs: held-out pairs to evaluate and sweep.
        references: per pair, every acceptable target.
        variants: (as a user types it, as the task writes it) inputs that must decode
            alike: composed and decomposed accents, no-break spaces, the typographic
            apostrophe where the training text had "'".
        max_len: most output tokens, EOS included.
        metrics: the task's metrics (``TaskInfo.metrics``).
        min_exact_match: greedy exact match on ``pairs`` the row is trained to reach
            (well below what it gets), so a training path that silently broke shows.
        task_options: the ``make_task`` options (seed 0) that made its data, so a test
            can regenerate the same held-out set (the app does, from a checkpoint's
            ``info["task_options"]``); a corpus read from bytes is under ``data``.
    """

    name: str
    tm: TrainedModel
    inputs: tuple[str, ...]
    pairs: tuple[Pair, ...]
    references: tuple[tuple[str, ...], ...]
    variants: tuple[tuple[str, str], ...]
    max_len: int
    metrics: tuple[str, ...] = field(default=())
    min_exact_match: float = 0.0
    task_options: dict = field(default_factory=dict)


def _train(task: core.TaskData, model: dict, steps: int, lr: float = 0.03,
           seed: int = 0) -> TrainedModel:
    """A model trained for ``steps`` steps of 128 pairs (a step costs about the same for
    any batch size here, so few large batches train fastest); 0 steps: untrained."""
    torch.set_num_threads(1)
    tm = core.new_model(task, {**SMALL, **model}, seed)
    if steps == 0:
        tm.model.eval()
        return tm
    cfg = TrainConfig(steps=steps, batch_size=128, learning_rate=lr, seed=seed,
                      eval_every=0, eval_size=8)
    return core.Trainer(tm, task, cfg).run()


def _known(tm: TrainedModel, texts, n: int) -> tuple[str, ...]:
    """The first ``n`` texts the model can read (every source token in its vocabulary)."""
    out = [t for t in texts if t.strip() and not tm.src_vocab.unknown_tokens(t)]
    return tuple(dict.fromkeys(out))[:n]


def _kind(name: str, task: core.TaskData, tm: TrainedModel, n_pairs: int = 12,
          variants: tuple[tuple[str, str], ...] | None = None, first: tuple[str, ...] = (),
          extra_pairs: tuple[Pair, ...] = (), min_exact_match: float = 0.0,
          task_options: dict | None = None) -> Kind:
    """A row from a task and its model: inputs are ``first``, the task's examples, then
    held-out sources (those the model can read); pairs the first held-out ones."""
    examples = core.TASKS[task.name].examples if task.name in core.TASKS else ()
    inputs = _known(tm, [*first, *examples, *(p.source for p in task.heldout)],
                    4 + len(first))
    pairs = tuple(task.heldout[:n_pairs]) + extra_pairs
    refs = tuple(task.references_of(p) for p in pairs)
    if variants is None:  # composed vs decomposed accents, no-break vs plain spaces
        variants = tuple((unicodedata.normalize("NFD", t).replace(" ", "\u00a0") + " ", t)
                         for t in inputs[:2])
    longest = max(len(tm.tgt_vocab.split(p.target)) for p in task.train)
    metrics = core.TASKS[task.name].metrics if task.name in core.TASKS else ()
    return Kind(name, tm, inputs, pairs, refs, variants, longest + 4, metrics, min_exact_match,
                dict(task_options or {}))


# ---- characters: dates, and the architecture variants on the same task -------------

DATES = {"n_train": 2000, "n_heldout": 40}
G2P = {"n_train": 3000, "n_heldout": 30}


@cache
def _dates() -> core.TaskData:
    return core.make_task("dates", seed=0, **DATES)


@cache
def _dates_kind(name: str, steps: int, min_exact_match: float = 0.0, **model) -> Kind:
    task = _dates()
    return _kind(name, task, _train(task, model, steps), min_exact_match=min_exact_match,
                 task_options=DATES)


def chars() -> Kind:
    """Characters: dates, GRU with additive attention, trained to mostly right."""
    return _dates_kind("chars", 60, min_exact_match=0.5)


def lstm() -> Kind:
    return _dates_kind("lstm", 40, cell="lstm", score="general")


def bidirectional() -> Kind:
    return _dates_kind("bidirectional", 40, bidirectional=True)


def two_layer() -> Kind:
    return _dates_kind("two-layer", 40, num_layers=2, score="dot")


def luong() -> Kind:
    """Attention after the RNN (Luong 2015), LSTM with the general score."""
    return _dates_kind("luong-lstm", 40, decoder="luong", score="general", cell="lstm")


def fixed_cho() -> Kind:
    return _dates_kind("fixed-cho", 40, decoder="fixed", fixed_context="cho")


def fixed_sutskever() -> Kind:
    """Untrained: a fixed-context LSTM whose context only sets s_0 (consistency only)."""
    return _dates_kind("fixed-sutskever-lstm", 0, decoder="fixed",
                       fixed_context="sutskever", cell="lstm", bidirectional=True)


# ---- phonemes: g2p on a small subset of the CMU dictionary -------------------------

@cache
def phonemes() -> Kind:
    task = core.make_task("g2p", seed=0, **G2P)
    return _kind("phonemes", task, _train(task, {}, 60), task_options=G2P)


# ---- words and subwords: translation on a tiny ManyThings-format corpus ------------

SUBJECTS = (("I'm", "je suis"), ("You're", "tu es"), ("He's", "il est"),
            ("She's", "elle est"), ("We're", "nous sommes"), ("They're", "ils sont"))
ADJECTIVES = (("tired", "fatigué"), ("happy", "heureux"), ("cold", "froid"),
              ("ready", "prêt"), ("hungry", "affamé"), ("late", "en retard"),
              ("sad", "triste"), ("busy", "occupé"), ("sick", "malade"), ("here", "ici"))
# Each seen once: under a 50-word vocabulary most become <unk> on both sides, so the
# model learns to write <unk> (as the shipped translation model does for rare words).
NOUNS = (("cat", "chat"), ("dog", "chien"), ("bird", "oiseau"), ("house", "maison"),
         ("tree", "arbre"), ("car", "voiture"), ("boat", "bateau"), ("book", "livre"),
         ("door", "porte"), ("river", "rivière"), ("horse", "cheval"), ("train", "train"),
         ("bridge", "pont"), ("church", "église"), ("garden", "jardin"), ("moon", "lune"),
         ("sun", "soleil"), ("star", "étoile"), ("table", "table"), ("chair", "chaise"),
         ("bed", "lit"), ("lamp", "lampe"), ("cup", "tasse"), ("bottle", "bouteille"),
         ("shoe", "chaussure"), ("hat", "chapeau"), ("coat", "manteau"), ("key", "clé"),
         ("phone", "téléphone"), ("window", "fenêtre"), ("road", "route"),
         ("forest", "forêt"), ("mountain", "montagne"), ("lake", "lac"), ("sea", "mer"))
ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org"
# Held out by hand: decoded as typed, and evaluated with a word the vocabulary lacks.
TYPED = (("I’m tired.", "I'm tired."), ("You’re not ready.", "You're not ready."))
UNSEEN = Pair("i see the zebra.", "je vois le zèbre.")


def corpus_lines() -> list[str]:
    """English<TAB>French<TAB>attribution lines; some written with the typographic
    apostrophe, as the real French file mixes both."""
    lines = []
    for i, (en, fr) in enumerate(SUBJECTS):
        for j, (adj, adj_fr) in enumerate(ADJECTIVES):
            typed = en.replace("'", "’") if (i + j) % 3 == 0 else en
            lines.append(f"{typed} {adj}.\t{fr} {adj_fr}.")
            verb = fr.split()[1]
            lines.append(f"{en} not {adj}.\t{fr.split()[0]} ne {verb} pas {adj_fr}.")
    for en, fr in NOUNS:
        lines.append(f"I see the {en}.\tje vois le {fr}.")
    return [f"{line}\t{ATTRIBUTION}" for line in lines]


def translation_options(tokenization: str) -> dict:
    """``make_task`` options of a word or subword row (the corpus under ``data``)."""
    return {"data": "\n".join(corpus_lines()).encode("utf-8"), "data_name": "tiny-fra.txt",
            "tokenization": tokenization, "vocab_size": 50 if tokenization == "word" else 60,
            "n_heldout": 8, "tutorial_prefixes": False, "max_len": 10}


@cache
def _translation(tokenization: str) -> core.TaskData:
    return core.make_task("translation", seed=0, **translation_options(tokenization))


@cache
def _translation_kind(name: str, tokenization: str, steps: int,
                      min_exact_match: float = 0.0) -> Kind:
    task = _translation(tokenization)
    tm = _train(task, {}, steps)
    return _kind(name, task, tm, variants=TYPED, first=tuple(w for _, w in TYPED),
                 extra_pairs=(UNSEEN,) if tokenization == "word" else (),
                 min_exact_match=min_exact_match,
                 task_options=translation_options(tokenization))


def words() -> Kind:
    """Words: a word-level English->French model, lower-cased, rare words as <unk>."""
    return _translation_kind("words", "word", 60, 0.4)


def subwords_bpe() -> Kind:
    return _translation_kind("subwords-bpe", "bpe", 40, 0.4)


def subwords_unigram() -> Kind:
    return _translation_kind("subwords-unigram", "unigram", 40)


# ---- images: digit strips read by the CNN encoder ----------------------------------

DIGITS = {"n_train": 1000, "n_heldout": 30, "max_digits": 3}


def strip_variants(texts) -> tuple[tuple[str, str], ...]:
    """(as an upload gives it, as the task writes it): a strip without and with its
    "#..." tail of gold digit spans, which the model must not read."""
    return tuple((t.split("#", 1)[0], t) for t in texts if "#" in t)


@cache
def images() -> Kind:
    """Images: digit strips (1-3 digits), the task's CNN encoder before a biGRU."""
    task = core.make_task("digits", seed=0, **DIGITS)
    defaults = dict(core.TASKS["digits"].train_defaults)
    tm = _train(task, {"bidirectional": defaults["bidirectional"]}, 60, lr=0.01)
    assert tm.model.cfg.encoder == "cnn-rnn"  # the row exists for the CNN encoder
    variants = strip_variants(_known(tm, [p.source for p in task.heldout], 2))
    assert len(variants) == 2  # composed strips carry their spans: "as typed" is not empty
    return _kind("images", task, tm, variants=variants, task_options=DIGITS)


# ---- the rows ---------------------------------------------------------------------

KINDS: dict[str, Callable[[], Kind]] = {
    "chars": chars,
    "phonemes": phonemes,
    "words": words,
    "subwords-bpe": subwords_bpe,
    "subwords-unigram": subwords_unigram,
    "lstm": lstm,
    "bidirectional": bidirectional,
    "two-layer": two_layer,
    "luong-lstm": luong,
    "fixed-cho": fixed_cho,
    "fixed-sutskever-lstm": fixed_sutskever,
    "images": images,
}

# (kind, test function) -> the core bug that makes that cell fail today; empty when the
# core passes the whole matrix. Example:
# ("words", "test_inputs_as_typed_decode_as_written"): "I’m is refused where I'm is read"
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="session", params=list(KINDS))
def kind(request) -> Kind:
    torch.set_num_threads(1)
    return KINDS[request.param]()


@pytest.fixture(scope="session")
def kinds() -> dict[str, Callable[[], Kind]]:
    """Every row's builder by name, for a test that needs one kind only."""
    return KINDS


@pytest.fixture(scope="session")
def checkpoint(kind, tmp_path_factory) -> Path:
    """The kind's model saved with ``seq2seq_core.save`` (what the CLI reads)."""
    return core.save(tmp_path_factory.mktemp(kind.name) / "model", kind.tm)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        params = getattr(item, "callspec", None)
        name = params.params.get("kind") if params else None
        reason = KNOWN_BUGS.get((name, item.originalname))
        if reason:
            item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
