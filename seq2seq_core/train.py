"""Training loop: masked cross-entropy, teacher forcing, Adam, gradient clipping.

``Trainer.step`` runs one optimisation step and returns a typed event; ``Trainer.run``
loops, evaluates the held-out set every ``eval_every`` steps and hands every event to
a callback. Nothing here prints or draws: the CLI and the app pass their callbacks.
A step whose loss or gradient is not finite, or whose loss exploded, is not applied:
``step`` raises ``Diverged`` with the weights as they were, and ``run`` stops there and
records why in ``fault`` (see ``resume.py`` for saving and resuming a run exactly).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from seq2seq_core.config import ArchConfig, DecodeConfig, TrainConfig
from seq2seq_core.data import Batch, make_batch
from seq2seq_core.evaluate import evaluate
from seq2seq_core.model import build_model
from seq2seq_core.pairs import Pair
from seq2seq_core.tasks.base import TaskData
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import PAD_ID, Vocab


@dataclass(frozen=True)
class StepEvent:
    """One optimisation step: mean token loss (nats), teacher-forced token accuracy
    (0-1), gradient L2 norm before clipping, target tokens in the batch, and seconds
    since training started."""

    step: int
    loss: float
    token_accuracy: float
    grad_norm: float
    tokens: int
    elapsed_s: float


@dataclass(frozen=True)
class EvalEvent:
    """A held-out evaluation after ``step`` steps (greedy decoding).

    samples: a few (source, reference, prediction) triples.
    samples_correct: per sample, whether its prediction is correct (``metrics.is_correct``
        against every reference: the same decision as ``exact_match``).
    alignment_score: mean attention mass on the gold source positions (0-1, see
        ``alignment``), or None without attention or a gold alignment for the task.
    by_length: (source length in tokens, pairs, exact match share) per length.
    scores: (metric name, value) for the task's metrics (``TaskInfo.metrics``), e.g.
        ("bleu", 41.2); exact match and these accept any of a source's references.
    """

    step: int
    exact_match: float
    token_accuracy: float
    samples: tuple[tuple[str, str, str], ...]
    elapsed_s: float
    alignment_score: float | None = None
    by_length: tuple[tuple[int, int, float], ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    samples_correct: tuple[bool, ...] = ()


TrainEvent = StepEvent | EvalEvent

# Mean cross-entropy above this (nats per token: a probability of e^-100 on the reference)
# only happens when training has blown up; a fresh model starts near ln(V) < 10.
EXPLODED_LOSS = 100.0


class Diverged(ArithmeticError):
    """A step's loss or gradient norm is not finite, or the loss exploded; the step was
    not applied, so the weights are those of the step before."""

    def __init__(self, step: int, loss: float, grad_norm: float) -> None:
        super().__init__(
            f"Training diverged at step {step}: the loss is {loss:.4g} nats per token and "
            f"the gradient norm {grad_norm:.4g}. The weights from step {step - 1} are kept: "
            "lower the learning rate or turn gradient clipping on.")
        self.step, self.loss, self.grad_norm = step, loss, grad_norm


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) random generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    """'auto' -> CUDA when available, else CPU. Raises ValueError for CUDA without one."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but no CUDA GPU is available; use 'cpu'")
    return torch.device(name)


def new_model(task: TaskData, model_cfg: ArchConfig | Mapping[str, Any],
              seed: int) -> TrainedModel:
    """Build vocabularies from the task's training pairs and a fresh model.

    ``model_cfg`` is the architecture (an ``ArchConfig``, or a dict of its fields). A task
    that prepared its own vocabularies (``TaskData.vocabs``: subwords, lower-casing) uses
    them. The encoder is the task's (``TaskData.encoder``: "cnn-rnn" for image strips).

    Raises:
        ValueError: for a bad architecture field.
    """
    if task.vocabs is not None:
        src_vocab, tgt_vocab = task.vocabs
    else:
        src_vocab = Vocab.build((p.source for p in task.train), task.src_level)
        tgt_vocab = Vocab.build((p.target for p in task.train), task.tgt_level)
    arch = dataclasses.replace(ArchConfig.of(model_cfg), encoder=task.encoder)
    cfg = arch.with_vocab(len(src_vocab), len(tgt_vocab))
    return TrainedModel(build_model(cfg, seed=seed), src_vocab, tgt_vocab, task.name)


_GLOBAL_RNG = threading.Lock()  # see Trainer.step


AlignmentScorer = Callable[[TrainedModel, Sequence[Pair]], "float | None"]


class Trainer:
    """Trains a model on a task's training pairs, step by step.

    ``alignment`` scores the attention against the task's gold alignment at each
    evaluation (``inside.heldout_alignment_score``; the caller passes it, so training
    depends on no analysis module).
    """

    def __init__(self, tm: TrainedModel, task: TaskData, cfg: TrainConfig,
                 alignment: AlignmentScorer | None = None) -> None:
        self.tm, self.task, self.cfg = tm, task, cfg
        self.alignment = alignment
        self.device = resolve_device(cfg.device)
        self.model = tm.model.to(self.device)
        # fused: one kernel for every parameter's update (0.8 -> 0.3 ms a step here)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=cfg.learning_rate,
                                          fused=True)
        self.rng = np.random.default_rng(cfg.seed)  # batch order
        self.generator = torch.Generator().manual_seed(cfg.seed)  # teacher forcing coins
        self.data = make_batch(task.train, tm.src_vocab, tm.tgt_vocab)  # everything, padded
        self.step_count = 0
        self.started = time.perf_counter()
        self.fault: str | None = None  # why ``run`` stopped early (a Diverged message)

    def _sample(self) -> Batch:
        rows = torch.from_numpy(self.rng.integers(0, len(self.task.train), self.cfg.batch_size))
        d = self.data
        s_len = int(d.src_mask[rows].sum(dim=1).max())
        t_len = int(d.tgt_mask[rows].sum(dim=1).max())
        return Batch(d.src[rows, :s_len], d.src_mask[rows, :s_len], d.tgt_in[rows, :t_len],
                     d.tgt_out[rows, :t_len], d.tgt_mask[rows, :t_len]).to(self.device)

    def step(self) -> StepEvent:
        """One optimisation step on a random batch.

        Raises:
            Diverged: the loss or gradient norm is not finite, or the loss is above
                EXPLODED_LOSS; the step is not applied.
        """
        self.model.train()
        batch = self._sample()
        # Dropout draws from torch's one process-wide generator: seed it per step and hold
        # it for the forward pass, so that concurrent trainings (the app's slots) do not
        # interleave their draws and each run stays reproducible.
        with _GLOBAL_RNG if self.model.cfg.dropout > 0 else contextlib.nullcontext():
            torch.manual_seed(self.cfg.seed + self.step_count)
            logits, _ = self.model(batch.src, batch.src_mask, batch.tgt_in,
                                   self.cfg.teacher_forcing, self.generator,
                                   keep=batch.tgt_mask)  # (N, V): the non-PAD targets
        targets = batch.tgt_out[batch.tgt_mask]  # (N,)
        loss = masked_cross_entropy(logits, targets)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        max_norm = self.cfg.clip_norm if self.cfg.clip_norm > 0 else float("inf")
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)
        loss_value, norm = loss.item(), float(grad_norm)
        if not (math.isfinite(loss_value) and math.isfinite(norm)) or loss_value > EXPLODED_LOSS:
            self.optimizer.zero_grad(set_to_none=True)  # the last good weights stay
            raise Diverged(self.step_count + 1, loss_value, norm)
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate_at(self.cfg, self.step_count)
        self.optimizer.step()
        self.step_count += 1
        with torch.no_grad():
            correct = logits.argmax(-1) == targets  # (N,)
            n_tokens = int(targets.numel())
        return StepEvent(self.step_count, loss_value, int(correct.sum()) / n_tokens,
                         norm, n_tokens, time.perf_counter() - self.started)

    def state_dict(self) -> dict[str, Any]:
        """Everything that decides the next steps besides the weights: steps done, Adam's
        state, the teacher-forcing generator's state and the batch-order generator's state
        (tensors and JSON-able values; ``resume.py`` writes them without pickle)."""
        return {"step": self.step_count, "optimizer": self.optimizer.state_dict(),
                "generator": self.generator.get_state(),
                "batch_order": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from ``state_dict()``'s result: the next step is the one the saved
        trainer would have taken."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.generator.set_state(state["generator"])
        self.rng = np.random.default_rng()
        self.rng.bit_generator.state = state["batch_order"]
        self.step_count = int(state["step"])

    def evaluate(self, n_samples: int = 3) -> EvalEvent:
        """Greedy exact match and token accuracy on the first ``eval_size`` held-out pairs."""
        self.model.eval()
        pairs = self.task.heldout[: self.cfg.eval_size]
        max_len = max(len(self.tm.tgt_vocab.encode(p.target)) for p in pairs) + 5
        report = evaluate(self.tm, pairs, DecodeConfig(strategy="greedy", max_len=max_len),
                          references=[self.task.references_of(p) for p in pairs],
                          metrics=self.task.metrics)
        samples = tuple((p.source, p.target, pred)
                        for p, pred in zip(pairs[:n_samples], report.predictions))
        by_length = tuple((k, n, em) for k, (n, em) in report.by_length.items())
        alignment = self.alignment(self.tm, pairs) if self.alignment else None
        return EvalEvent(self.step_count, report.exact_match, report.token_accuracy, samples,
                         time.perf_counter() - self.started, alignment, by_length,
                         tuple(report.scores.items()), report.correct[:n_samples])

    def run(self, on_event: Callable[[TrainEvent], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> TrainedModel:
        """Train for ``cfg.steps`` steps (or until ``should_stop``, ``max_seconds`` or a
        diverging step, whose message is then in ``fault``).

        Returns:
            The trained model, in eval mode, with its training summary in ``info``.
        """
        emit = on_event or (lambda event: None)
        cfg, last_eval = self.cfg, None
        while self.step_count < cfg.steps:
            if should_stop is not None and should_stop():
                break
            try:
                event = self.step()
            except Diverged as err:
                self.fault = str(err)
                break
            emit(event)
            if cfg.eval_every and self.step_count % cfg.eval_every == 0:
                last_eval = self.evaluate()
                emit(last_eval)
            if cfg.max_seconds and event.elapsed_s >= cfg.max_seconds:
                break
        if last_eval is None or last_eval.step != self.step_count:
            last_eval = self.evaluate()
            emit(last_eval)
        self.model.eval()
        return self.finished_model(last_eval)

    def finished_model(self, last_eval: EvalEvent) -> TrainedModel:
        info = {"task": self.task.name, "steps": self.step_count,
                "train_seconds": round(time.perf_counter() - self.started, 2),
                "heldout_exact_match": last_eval.exact_match,
                "heldout_token_accuracy": last_eval.token_accuracy,
                "train_config": vars(self.cfg).copy()}
        if self.fault:
            info["fault"] = self.fault
        return TrainedModel(self.model, self.tm.src_vocab, self.tm.tgt_vocab,
                            self.task.name, info)


def learning_rate_at(cfg: TrainConfig, step: int) -> float:
    """The learning rate of the step after ``step`` steps are done: ``cfg.learning_rate``
    ("constant"), or falling linearly to 0 at ``cfg.steps`` ("linear")."""
    if cfg.lr_schedule == "linear":
        return cfg.learning_rate * (1 - step / cfg.steps)
    return cfg.learning_rate


def masked_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean cross-entropy (nats) over non-PAD targets: logits (B, T, V), targets (B, T);
    or logits (N, V), targets (N,) for positions already chosen."""
    vocab = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits.reshape(-1, vocab),  # (B*T, V)
                                             targets.reshape(-1), ignore_index=PAD_ID)
