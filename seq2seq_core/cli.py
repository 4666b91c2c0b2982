"""Command line: train, decode and evaluate.

    python -m seq2seq_core train --task dates --decoder attention --out DIR
    python -m seq2seq_core train --ray auto --task dates --out DIR   (on a Ray cluster)
    python -m seq2seq_core decode --model DIR [--beam K] [--json] TEXT...
    python -m seq2seq_core decode --model pretrained/digits-attention strip.png...
    python -m seq2seq_core evaluate --model DIR --pairs FILE.tsv [--beam K] [--json]
    python -m seq2seq_core evaluate --model DIR --pairs FOLDER   (images + labels.tsv)

A model that reads images (the ``digits`` task) takes image files where a text model
takes texts, and a folder of images with a ``labels.tsv`` (file<TAB>digits) as its pairs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import torch

from seq2seq_core.attention import SCORES
from seq2seq_core.cells import CELLS
from seq2seq_core.checkpoint import CheckpointError, load, save
from seq2seq_core.config import DEVICES, ArchConfig, DecodeConfig, TrainConfig
from seq2seq_core.decoders import DECODERS, FIXED_CONTEXTS
from seq2seq_core.evaluate import evaluate
from seq2seq_core.images import read_image
from seq2seq_core.inside.alignment import heldout_alignment_score
from seq2seq_core.pairs import NO_LIMITS, Pair, parse_pairs
from seq2seq_core.resume import resume, resume_config, save_training, saved_task_options
from seq2seq_core.search.decode import InputError, decode_text, unknown_note
from seq2seq_core.tasks import TASKS, make_task
from seq2seq_core.tasks.options import add_flags, from_flags
from seq2seq_core.train import EvalEvent, StepEvent, Trainer, new_model


def _train_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model on a task and save a checkpoint")
    p.add_argument("--task", choices=sorted(TASKS), default="dates")
    p.add_argument("--decoder", choices=list(DECODERS), default="attention")
    p.add_argument("--score", choices=list(SCORES), default="additive")
    p.add_argument("--fixed-context", choices=list(FIXED_CONTEXTS), default="cho")
    p.add_argument("--cell", choices=list(CELLS), default="gru")
    p.add_argument("--emb-dim", type=int, default=32)
    p.add_argument("--hidden-dim", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--teacher-forcing", type=float, default=1.0)
    p.add_argument("--clip-norm", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=DEVICES, default="cpu")
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--max-seconds", type=float, default=0.0)
    seen: set[str] = set()
    for info in TASKS.values():  # every task's own options (tasks/options.py)
        add_flags(p, info.options, info.name, seen)
    p.add_argument("--pairs", help="upload: your TSV/CSV file of source/target pairs")
    p.add_argument("--threads", type=int, default=1, help="torch threads (1 measured best)")
    p.add_argument("--out", required=True, help="checkpoint folder to write (with the "
                   "training state, so that --resume can continue it)")
    p.add_argument("--resume", metavar="DIR", help="continue the run saved in DIR up to "
                   "--steps steps in all: model, optimizer and random state restored, so "
                   "it ends exactly as one uninterrupted run would (on the CPU); the other "
                   "task and training flags are ignored")
    p.add_argument("--ray", metavar="ADDRESS", help="train on the Ray cluster at ADDRESS "
                   "(auto, host:port or ray://host:port) as the app does with "
                   "SEQ2SEQ_RAY_ADDRESS; saves the checkpoint only (no --resume)")


def _decode_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decode", help="decode texts (arguments, or stdin lines); image "
                       "files for a model that reads images")
    p.add_argument("--model", required=True, help="checkpoint folder")
    p.add_argument("--beam", type=int, default=0, help="beam width K (0 = greedy)")
    p.add_argument("--alpha", type=float, default=0.0, help="GNMT length penalty")
    p.add_argument("--max-len", type=int, default=50)
    p.add_argument("--n-best", type=int, default=1)
    p.add_argument("--json", action="store_true", help="one JSON object per input")
    p.add_argument("text", nargs="*")


def _evaluate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score a model on source<TAB>target pairs")
    p.add_argument("--model", required=True, help="checkpoint folder")
    p.add_argument("--pairs", required=True, help="UTF-8 TSV file: source<TAB>target; "
                   "for an image model, a folder of images with labels.tsv "
                   "(file<TAB>digits)")
    p.add_argument("--beam", type=int, default=0, help="beam width K (0 = greedy)")
    p.add_argument("--max-len", type=int, default=50)
    p.add_argument("--json", action="store_true")


def _decode_cfg(args: argparse.Namespace, n_best: int = 1) -> DecodeConfig:
    if args.beam < 0:
        raise ValueError("--beam must be 0 (greedy) or a beam width of at least 1")
    strategy = "beam" if args.beam else "greedy"
    return DecodeConfig(strategy=strategy, beam_size=max(args.beam, 1), max_len=args.max_len,
                        length_penalty=getattr(args, "alpha", 0.0),
                        n_best=min(n_best, max(args.beam, 1)))


def cmd_train(args: argparse.Namespace) -> int:
    torch.set_num_threads(args.threads)
    if args.resume and args.ray:
        raise ValueError("--resume continues a local run; it cannot be combined with --ray")
    if args.resume:
        saved = resume_config(args.resume)
        if saved.lr_schedule == "linear" and saved.steps != args.steps:
            print(f"note: the saved run's learning rate decayed linearly towards step "
                  f"{saved.steps}; continuing to {args.steps} steps, it will not match one "
                  f"uninterrupted {args.steps}-step run (the constant schedule would)",
                  file=sys.stderr)
        return _train_and_save(args, resume(args.resume, dataclasses.replace(
            saved, steps=args.steps), heldout_alignment_score),
            saved_task_options(args.resume))
    options = _task_options(args)
    model_cfg = ArchConfig(cell=args.cell, emb_dim=args.emb_dim, hidden_dim=args.hidden_dim,
                           num_layers=args.layers, bidirectional=args.bidirectional,
                           dropout=args.dropout, decoder=args.decoder,
                           fixed_context=args.fixed_context, score=args.score)
    cfg = TrainConfig(batch_size=args.batch_size, learning_rate=args.lr, steps=args.steps,
                      teacher_forcing=args.teacher_forcing, clip_norm=args.clip_norm,
                      seed=args.seed, device=args.device, eval_every=args.eval_every,
                      max_seconds=args.max_seconds)
    if args.ray:
        from seq2seq_core.server.remote_train import train_remote
        from seq2seq_core.server.worker import RunSpec

        spec = RunSpec(args.task, {k: v for k, v in options.items() if k != "seed"},
                       dataclasses.asdict(model_cfg), cfg)  # the run seeds its task itself
        return train_remote(spec, args.ray, args.out, _print_event)
    task = make_task(args.task, **options)
    return _train_and_save(args, Trainer(new_model(task, model_cfg, args.seed), task, cfg,
                                             heldout_alignment_score),
                           options)


def _train_and_save(args: argparse.Namespace, trainer: Trainer, options: dict) -> int:
    task = trainer.task
    print(f"{task.name}: {len(task.train)} training / {len(task.heldout)} held-out pairs; "
          f"{trainer.model.cfg.label}; from step {trainer.step_count}", flush=True)
    tm = trainer.run(_print_event)
    try:
        json.dumps(options)
    except TypeError:  # uploaded pairs: the checkpoint only, no resumable state
        save(args.out, tm)
    else:
        save_training(args.out, trainer, options, tm)
    if trainer.fault:
        print(trainer.fault, file=sys.stderr)
    print(f"saved {args.out}: held-out exact match {tm.info['heldout_exact_match']:.1%} "
          f"after {tm.info['steps']} steps, {tm.info['train_seconds']:.1f} s")
    return 0


def _task_options(args: argparse.Namespace) -> dict:
    """make_task options from the train flags of ``args.task`` (its options dataclass)."""
    info = TASKS[args.task]
    options: dict = {"seed": args.seed,
                     **dataclasses.asdict(from_flags(info.options, args))}
    if info.pairs_file:
        if not args.pairs:
            raise ValueError(f"--task {info.name} needs --pairs FILE (TSV, or CSV by its "
                             ".csv name)")
        path = Path(args.pairs)
        options.update(pairs=parse_pairs(path.read_bytes(), path.name), file_name=path.name)
    return options


def _print_event(event: StepEvent | EvalEvent) -> None:
    if isinstance(event, EvalEvent):
        src, ref, pred = event.samples[0]
        print(f"step {event.step:6d}  held-out exact match {event.exact_match:6.1%}  "
              f"token acc {event.token_accuracy:6.1%}  {event.elapsed_s:7.1f} s  "
              + "".join(f"{k} {v:.3g}  " for k, v in event.scores if k != "exact_match")
              + f"{src!r} -> {pred!r} (ref {ref!r})", flush=True)


def cmd_decode(args: argparse.Namespace) -> int:
    tm = load(args.model)
    cfg = _decode_cfg(args, args.n_best)
    texts = args.text or [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if tm.src_vocab.level == "image":
        return _decode_images(tm, texts, cfg, args.json)
    status = 0
    for text in texts:
        try:
            result = decode_text(tm, text, cfg)
        except InputError as err:
            print(json.dumps({"source": text, "error": str(err)}, ensure_ascii=False)
                  if args.json else f"error: {text!r}: {err}", file=sys.stdout
                  if args.json else sys.stderr)
            status = 1
            continue
        note = unknown_note(tm, text)  # characters read as <unk>, named
        if args.json:
            print(json.dumps({**_result_json(text, result), "unknown_characters":
                              tm.src_vocab.unknown_characters(text)}, ensure_ascii=False))
        else:
            if note:
                print(f"note: {text!r}: {note}", file=sys.stderr)
            for hyp in result.hypotheses:
                print(f"{hyp.text}\t{hyp.score:.4f}")
    return status


def _decode_images(tm, paths: list[str], cfg: DecodeConfig, as_json: bool) -> int:
    """Decode image files (``images.read_image``); JSON adds the strip's width."""
    status = 0
    for path in paths:
        try:
            strip = read_image(Path(path).read_bytes())
            result = decode_text(tm, strip, cfg)
        except (OSError, ValueError) as err:  # InputError is a ValueError
            print(json.dumps({"source": path, "error": str(err)}, ensure_ascii=False)
                  if as_json else f"error: {path}: {err}", file=sys.stdout
                  if as_json else sys.stderr)
            status = 1
            continue
        if as_json:
            print(json.dumps({**_result_json(path, result),
                              "columns": len(result.tree.source_tokens) - 1}))
        else:
            for hyp in result.hypotheses:
                print(f"{path}\t{hyp.text}\t{hyp.score:.4f}")
    return status


def read_image_pairs(folder: str) -> tuple[Pair, ...]:
    """(strip, digits) pairs from a folder of images and its ``labels.tsv`` lines
    ``file<TAB>digits``, each image read by ``images.read_image``.

    Raises:
        ValueError: no labels.tsv, or an image that cannot be read (named).
    """
    root = Path(folder)
    labels = root / "labels.tsv"
    if not labels.is_file():
        raise ValueError(f"{folder} has no labels.tsv (lines: file<TAB>digits)")
    pairs = []
    for pair in read_pairs(str(labels)):
        try:
            pairs.append(Pair(read_image((root / pair.source).read_bytes()), pair.target))
        except (OSError, ValueError) as err:
            raise ValueError(f"{pair.source}: {err}") from None
    return tuple(pairs)


def _result_json(text: str, result) -> dict:
    return {"source": text, "source_tokens": list(result.tree.source_tokens),
            "strategy": result.strategy,
            "hypotheses": [{"text": h.text, "tokens": list(h.tokens), "score": h.score,
                            "normalized_score": h.normalized_score,
                            "log_probs": list(h.log_probs), "finished": h.finished,
                            "attention": None if h.attention is None
                            else [list(row) for row in h.attention]}
                           for h in result.hypotheses]}


def read_pairs(path: str) -> tuple[Pair, ...]:
    """The pairs of a ``source<TAB>target`` file (``.csv``: commas), by the project's one
    pairs parser (``pairs.parse_pairs``), with no size limit."""
    return parse_pairs(Path(path).read_bytes(), Path(path).name, NO_LIMITS)


def cmd_evaluate(args: argparse.Namespace) -> int:
    tm = load(args.model)
    info = TASKS.get(tm.task)
    pairs = (read_image_pairs(args.pairs) if Path(args.pairs).is_dir()
             else read_pairs(args.pairs))
    report = evaluate(tm, pairs, _decode_cfg(args),
                      metrics=info.metrics if info else ())
    if args.json:
        print(json.dumps({"n": report.n, "exact_match": report.exact_match,
                          "token_accuracy": report.token_accuracy, **report.scores,
                          "exact_match_by_source_length": {
                              str(k): {"n": n, "exact_match": em}
                              for k, (n, em) in report.by_length.items()}}))
        return 0
    print(f"pairs: {report.n}\nexact match: {report.exact_match:.2%}\n"
          f"token accuracy: {report.token_accuracy:.2%}\n"
          + "".join(f"{k}: {v:.4g}\n" for k, v in report.scores.items())
          + "exact match by source length:")
    for length, (n, em) in report.by_length.items():
        print(f"  {length:4d}  {em:7.2%}  ({n} pairs)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seq2seq_core")
    sub = parser.add_subparsers(dest="command", required=True)
    _train_parser(sub)
    _decode_parser(sub)
    _evaluate_parser(sub)
    args = parser.parse_args(argv)
    commands = {"train": cmd_train, "decode": cmd_decode, "evaluate": cmd_evaluate}
    try:
        return commands[args.command](args)
    except (CheckpointError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
