"""A fixed-context training step with its decoder RNN fused over the sentence, against the
same step run one target position at a time (``RNNDecoder.teacher_forced_features``), in
one process on one thread: paired rounds, CPU time, min and median of the ratio.

    python bench/fused_fixed_step.py [--rounds 5] [--steps 20]

Two sizes: ``dates`` (GRU-128, emb 32, 25 source and 12 target tokens) and the
translation models' (GRU-192, emb 64, 2,000 pieces a side, 12 and 14 tokens), each with
the Cho and the Sutskever context; batch 64, Adam, random token ids (the step's cost does
not depend on their values). Both paths compute the same loss and gradients
(tests/core/test_training_step.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seq2seq_core import ModelConfig, build_model  # noqa: E402
from seq2seq_core.decoder_base import RNNDecoder  # noqa: E402
from seq2seq_core.train import masked_cross_entropy  # noqa: E402

# name -> (source vocab, target vocab, emb, hidden, source length, target length)
SIZES = {"dates": (60, 40, 32, 128, 25, 12), "translation": (2000, 2000, 64, 192, 12, 14)}


def seconds(size: str, context: str, fused: bool, steps: int) -> float:
    """CPU seconds of ``steps`` training steps on the fused or the step-by-step path."""
    src_v, tgt_v, emb, hid, s_len, t_len = SIZES[size]
    model = build_model(ModelConfig(src_v, tgt_v, emb_dim=emb, hidden_dim=hid,
                                    decoder="fixed", fixed_context=context), seed=0)
    if not fused:  # the base class's loop over positions, on this instance only
        model.decoder.teacher_forced_features = (
            lambda *args: RNNDecoder.teacher_forced_features(model.decoder, *args))
    g = torch.Generator().manual_seed(0)
    src = torch.randint(4, src_v, (64, s_len), generator=g)  # (B, S)
    tgt = torch.randint(4, tgt_v, (64, t_len), generator=g)  # (B, T)
    tgt_in = torch.cat([torch.ones(64, 1, dtype=torch.long), tgt[:, :-1]], dim=1)  # (B, T)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.process_time()
    for _ in range(steps):
        loss = masked_cross_entropy(model(src, src != 0, tgt_in)[0], tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for size in SIZES:
        for context in ("cho", "sutskever"):
            ratios = []
            for r in range(args.rounds):  # alternate which path goes first
                order = (False, True) if r % 2 == 0 else (True, False)
                t = {fused: seconds(size, context, fused, args.steps) for fused in order}
                ratios.append(t[False] / t[True])
            print(f"{size:12s} {context:10s} step-by-step / fused: min {min(ratios):.2f}x, "
                  f"median {statistics.median(ratios):.2f}x ({args.rounds} rounds of "
                  f"{args.steps} steps)", flush=True)


if __name__ == "__main__":
    main()
