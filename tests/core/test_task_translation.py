"""The translation task: the ManyThings loader on tiny files written here (always run), the
filters and split, and the real Tatoeba files (skipped when they are absent)."""

import io
import zipfile

import pytest

from seq2seq_core import make_task
from seq2seq_core.tasks import tatoeba
from seq2seq_core.tasks.tatoeba import filter_pairs, normalize, parse_manythings, tutorial_form

LINES = [
    "Go.\tVa !",
    "I'm cold.\tJ'ai froid.\tCC-BY 2.0 (France) Attribution: tatoeba.org #1 (CK) & #2 (x)",
    "I'm cold.\tJe suis gelé.",
    "He's nice.\tIl est gentil.",
    "Run!\tCours\u202f!",  # narrow no-break space, as in the French files
    "We're here.\tNous sommes\u00a0ici.",
    "Cafe\u0301.\tCafe\u0301.",  # decomposed é
]


def corpus(lines=LINES, end="\n") -> bytes:
    return end.join(lines).encode("utf-8") + end.encode()


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_about.txt", "Attribution: www.manythings.org/anki and tatoeba.org")
        archive.writestr("fra.txt", data)
    return buffer.getvalue()


def test_loader_reads_two_and_three_columns_txt_and_zip():
    pairs = parse_manythings(corpus())
    assert len(pairs) == 7
    assert pairs[1] == ("I'm cold.", "J'ai froid.")  # the attribution column is dropped
    assert parse_manythings(zipped(corpus()), "fra-eng.zip") == pairs
    assert parse_manythings(corpus(end="\r\n")) == pairs  # CRLF
    assert parse_manythings(b"\xef\xbb\xbf" + corpus()) == pairs  # BOM


@pytest.mark.parametrize("data, message", [
    (corpus(LINES[:2] + ["no tab here"]), "line 3: found 1 column.*put one tab between"),
    (corpus(LINES[:2] + ["a\tb\tc\td"]), "line 3: found 4 column.*needs 2 or 3"),
    (corpus(LINES[:1] + ["\tVide"]), "line 2: the source is empty"),
    ("Go.\tVa !\nCafé\tCafé\n".encode("latin-1"), "line 2: byte 0xe9 is not UTF-8"),
    (zipped(corpus())[:40], "not a readable zip"),
])
def test_loader_names_the_bad_line(data, message):
    with pytest.raises(ValueError, match=message):
        parse_manythings(data, "fra.txt")


def test_normalisation():
    assert normalize("Cours\u202f!") == "cours !"
    assert normalize("Nous sommes\u00a0ici.", lowercase=False) == "Nous sommes ici."
    assert normalize("Cafe\u0301.") == "caf\u00e9."  # NFC: one code point
    assert normalize("  Two   spaces  ") == "two spaces"
    assert normalize("J\u2019en suis sûr.") == "j'en suis sûr."


@pytest.mark.parametrize("english, kept", [
    ("I'm cold.", True), ("I am cold.", True), ("He's nice.", True), ("She is here.", True),
    ("You're late.", True), ("We are ready.", True), ("They're gone.", True),
    ("Go.", False), ("Hello, I'm Tom.", False), ("Iam.", False), ("Heston is here.", False),
])
def test_tutorial_prefix_filter(english, kept):
    assert tutorial_form("I'm sure!") == "i m sure !"
    pairs, _ = filter_pairs([(normalize(english), "x")], 10, True, None)
    assert bool(pairs) is kept


def test_length_and_vocabulary_filters():
    pairs = [("a b c .", "x y z ."), ("a b c d e f", "x"), ("a rare .", "x y ."), ("a b", "y z")]
    kept, notes = filter_pairs(pairs, 4, False, None)
    assert kept == [pairs[0], pairs[2], pairs[3]] and "at most 4 words" in notes[0]
    kept, notes = filter_pairs(pairs, 10, False, 4)  # 'rare' and 'f' are the rarest words
    assert ("a rare .", "x y .") not in kept and "4 most frequent words" in notes[-1]


def make_lines(n=80):
    subjects = [("I am", "je suis"), ("He is", "il est"), ("She is", "elle est"),
                ("We are", "nous sommes"), ("They are", "ils sont")]
    adjectives = [("cold", "froid"), ("tired", "fatigué"), ("happy", "heureux"),
                  ("ready", "prêt"), ("late", "en retard"), ("sick", "malade"),
                  ("hungry", "affamé"), ("busy", "occupé"), ("here", "ici"),
                  ("home", "à la maison"), ("sad", "triste"), ("free", "libre"),
                  ("rich", "riche"), ("young", "jeune"), ("strong", "fort"), ("calm", "calme")]
    lines = [f"{s} {a}.\t{fs.capitalize()} {fa}." for s, fs in subjects for a, fa in adjectives]
    lines += ["I am cold.\tJ'ai froid.", "Hello!\tBonjour\u202f!"]
    return lines[:n] + lines[-2:]


TUTORIAL = {"tutorial_prefixes": True, "max_len": 10, "tokenization": "word",
            "vocab_size": 4000}  # the PyTorch tutorial's data, on words


def test_task_from_uploaded_bytes_splits_by_english_sentence():
    data = corpus(make_lines())
    task = make_task("translation", data=data, data_name="fra.txt", n_heldout=10, seed=2,
                     **TUTORIAL)
    sources = {p.source for p in task.train}
    assert not sources & {p.source for p in task.heldout}
    assert len(task.heldout) == 10 and len(task.train) == 80 - 10 + 1  # "hello" filtered
    assert all(p.source == p.source.lower() for p in task.train)
    refs = dict(task.references)
    if "i am cold." in refs:
        assert refs["i am cold."] == ("je suis froid.", "j'ai froid.")
    else:
        assert {"je suis froid.", "j'ai froid."} <= {p.target for p in task.train}
    src_vocab, tgt_vocab = task.vocabs
    assert src_vocab.lowercase and src_vocab.encode("I AM") == src_vocab.encode("i am")
    assert task == make_task("translation", data=data, n_heldout=10, seed=2, **TUTORIAL)


def test_defaults_are_everyday_sentences_on_subwords():
    task = make_task("translation", data=corpus(make_lines()), n_heldout=5, seed=0)
    assert task.src_level == "subword" and len(task.train) == 80 - 5 + 2  # "hello" kept
    assert "hello!" in {p.source for p in task.train + task.heldout}


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_subword_tokenisation(kind):
    task = make_task("translation", data=corpus(make_lines()), n_heldout=5, seed=0,
                     tokenization=kind, vocab_size=60)
    src_vocab, tgt_vocab = task.vocabs
    assert task.src_level == "subword" and src_vocab.subword is not None
    pieces = tgt_vocab.split("Nous sommes fatigués.")
    assert pieces[0].startswith("\u2581") and tgt_vocab.join(pieces) == "nous sommes fatigués."
    assert tgt_vocab.decode(tgt_vocab.encode("elle est calme.")) == "elle est calme."


def test_missing_folder_says_where_to_download(tmp_path, monkeypatch):
    monkeypatch.setenv(tatoeba.TATOEBA_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="manythings.org/anki"):
        make_task("translation", lang="deu")
    (tmp_path / "deu-eng").mkdir()
    (tmp_path / "deu-eng" / "deu.txt").write_bytes(corpus(make_lines()))
    assert tatoeba.find_corpus("deu") == tmp_path / "deu-eng" / "deu.txt"
    with pytest.raises(ValueError, match="unknown language"):
        make_task("translation", lang="ita")


def _has_corpus(lang: str) -> bool:
    """Whether the loader finds ``lang``'s ManyThings file (any layout it reads)."""
    try:
        tatoeba.find_corpus(lang)
    except ValueError:
        return False
    return True


def needs_corpus(lang: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not _has_corpus(lang), reason=f"Tatoeba {lang}-eng file absent: "
                              "set SEQ2SEQ_TATOEBA_DIR (see README: Data)")


needs_tatoeba = needs_corpus("fra")


@pytest.mark.slow
@needs_tatoeba
def test_real_french_file_with_the_tutorial_filter():
    task = make_task("translation", lang="fra", seed=1, **TUTORIAL)
    assert len(task.heldout) == 1000
    assert 12_000 < len(task.train) < 13_000  # 13,937 pairs kept, 1,000 sentences out
    assert not {p.source for p in task.train} & {p.source for p in task.heldout}
    assert all(p.source.startswith(("i", "he", "she", "you", "we", "they")) for p in task.train)
    assert "\u202f" not in "".join(p.target for p in task.train)
    assert task.heldout == make_task("translation", lang="fra", seed=1, **TUTORIAL).heldout


@pytest.mark.slow
@pytest.mark.parametrize("lang", [pytest.param("deu", marks=needs_corpus("deu")),
                                  pytest.param("spa", marks=needs_corpus("spa"))])
def test_other_languages(lang):
    task = make_task("translation", lang=lang, seed=0, n_heldout=200)
    assert len(task.train) > 5000 and len(task.heldout) == 200
