"""Encoders as a table, and the image encoder: a small CNN over a strip, then the RNN.

``ENCODERS[name]`` is the encoder class ``build_model`` makes; adding one is one class
and one entry. "rnn" embeds token ids (``encoder.RNNEncoder``); "cnn-rnn" reads image
strips whose column ids pack their pixels (``images.column_ids``): it unpacks them into
the strip (B, H, S), runs a CNN that keeps the width, so each column position gets one
feature vector (B, S, E), and hands those to the same recurrent encoder, so decoders,
attention, search and trace see S column states as they see S token states. This is the
convolutional-recurrent reader of Shi, Bai and Yao (2017, "An End-to-End Trainable Neural
Network for Image-based Sequence Recognition", CRNN), with an attention decoder on top as
in "Show, Attend and Tell" (Xu et al. 2015).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from seq2seq_core.encoder import RNNEncoder
from seq2seq_core.images import GREY_LEVELS, N_SPECIALS, STRIP_HEIGHT
from seq2seq_core.vocab import PAD_ID

if TYPE_CHECKING:
    from seq2seq_core.config import ModelConfig

CHANNELS = (16, 32)  # convolution channels of the two blocks


def unpack_columns(src: Tensor) -> Tensor:
    """Column ids (B, S) -> the strip (B, H, S), float in [0, 1], ink 1.

    Special ids (PAD, BOS, EOS, UNK) read as blank columns.
    Example: ids [[4, 5]] -> a blank column, then one with ink 1/16 in the top row.
    """
    packed = (src - N_SPECIALS).clamp(min=0)  # (B, S)
    powers = GREY_LEVELS ** torch.arange(STRIP_HEIGHT, device=src.device)  # (H,)
    levels = (packed[:, None, :] // powers[None, :, None]) % GREY_LEVELS  # (B, H, S)
    return levels.float() / (GREY_LEVELS - 1)


class CNNRNNEncoder(RNNEncoder):
    """CNN over the strip, one vector per column, then ``RNNEncoder``'s GRU/LSTM.

    Two blocks, each a 3x3 convolution (padding 1, ReLU) and a (2, 1) max-pool that halves
    the height and keeps the width; the C x H/4 features of each column are projected to
    E. Special tokens (the source's EOS) take a learned vector instead. Small on purpose:
    the recurrent encoder after it sees the whole strip, and a training step must stay
    cheap enough to train live on one CPU core.
    """

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg)
        # Only the specials are embedded; columns come from the CNN.
        self.embedding = nn.Embedding(N_SPECIALS, cfg.emb_dim, padding_idx=PAD_ID)
        c1, c2 = CHANNELS
        self.cnn = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
        )
        self.project = nn.Linear(c2 * (STRIP_HEIGHT // 4), cfg.emb_dim)

    def column_features(self, src: Tensor) -> Tensor:
        """The CNN's vector for every column: ids (B, S) -> (B, S, E).

        A column's vector depends only on its own and nearby columns (a receptive field
        of 5 columns). Feature maps are zeroed at special positions (EOS, PAD) after
        every layer, as the convolutions' zero padding is outside the strip, so the
        vector does not depend on how far the batch is padded.
        """
        columns = (src >= N_SPECIALS)[:, None, None, :].float()  # (B, 1, 1, S)
        maps = unpack_columns(src)[:, None]  # (B, 1, H, S)
        for layer in self.cnn:
            maps = layer(maps) * columns  # (B, C, H', S)
        b, c, h, s = maps.shape
        feats = maps.permute(0, 3, 1, 2).reshape(b, s, c * h)  # (B, S, C*H/4)
        return torch.relu(self.project(feats))  # (B, S, E)

    def embed(self, src: Tensor) -> Tensor:
        """Column ids (B, S) -> (B, S, E): CNN features, a learned vector at specials."""
        special = (src < N_SPECIALS)[..., None]  # (B, S, 1)
        return torch.where(special, self.embedding(src.clamp(max=N_SPECIALS - 1)),
                           self.column_features(src))


ENCODERS: dict[str, type[RNNEncoder]] = {"rnn": RNNEncoder, "cnn-rnn": CNNRNNEncoder}
