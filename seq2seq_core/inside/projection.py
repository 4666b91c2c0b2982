"""Principal component projections of hidden states (``torch.linalg.eigh``, no own algebra).

One basis is fitted on many states (e.g. from a sample of a task's inputs) and then
applied to every trajectory, so trajectories of different inputs, or of one input at
different moments of training, are drawn on the same axes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from seq2seq_core.inside.trace import StateSelection, Trace


@dataclass(frozen=True, eq=False)
class PCABasis:
    """An affine 2D/3D coordinate system for H-dimensional states.

    Attributes:
        mean: (H,) mean state subtracted before projecting.
        components: (k, H) orthonormal directions of decreasing variance; rows beyond
            the data's rank (fewer samples or dimensions than k) are zero.
        explained_variance_ratio: (k,) share of the total variance along each component
            (0-1; 0 for zero rows).
        n_samples: number of states the basis was fitted on.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray
    n_samples: int


def fit_pca(states: np.ndarray, n_components: int = 3) -> PCABasis:
    """Fit principal components to states (N, H).

    The components are the eigenvectors of the H x H scatter matrix of the centred
    states, in float64: the right singular vectors an SVD of the states would give.
    torch does the algebra because it honours the app's one-thread setting: NumPy's
    OpenBLAS starts a thread per core, and on a shared 2-core machine ``np.linalg.svd``
    of 2249 x 128 states took 1-5 s against 0.01 s on one thread. Directions with a
    singular value under 1e-6 of the largest count as beyond the data's rank. Each
    component's sign is fixed so that its largest-magnitude entry is positive, so
    refitting the same data gives the same picture.

    Example: states on the line t * [3, 4] -> components[0] = [0.6, 0.8], ratio [1, 0].

    Raises:
        ValueError: if ``states`` is not 2-D with at least 2 rows, or not finite.
    """
    x = np.asarray(states, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need states of shape (N >= 2, H); got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("states contain NaN or infinity")
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1; got {n_components}")
    mean = x.mean(axis=0)  # (H,)
    centred = torch.from_numpy(x - mean)  # (N, H) float64
    eigval, eigvec = (t.numpy() for t in torch.linalg.eigh(centred.T @ centred))  # (H,), (H, H)
    order = np.argsort(eigval)[::-1]
    variance = np.clip(eigval[order], 0.0, None)  # squared singular values, descending
    vt = eigvec[:, order].T  # (H, H): row i is component i
    total = variance.sum()
    sing = np.sqrt(variance)
    k = min(n_components, int((sing > 1e-6 * sing.max(initial=0.0)).sum()))
    biggest = vt[np.arange(k), np.abs(vt[:k]).argmax(axis=1)]  # (k,)
    comps = vt[:k] * np.where(biggest < 0, -1.0, 1.0)[:, None]  # (k, H)
    ratio = variance[:k] / total if total > 0 else np.zeros(k)
    components = np.zeros((n_components, x.shape[1]))  # (k, H), zero rows past the rank
    components[:k] = comps
    explained = np.zeros(n_components)
    explained[:k] = ratio
    return PCABasis(mean.astype(np.float32), components.astype(np.float32),
                    explained.astype(np.float32), int(x.shape[0]))


def project(basis: PCABasis, states: np.ndarray) -> np.ndarray:
    """Coordinates of states (..., H) in the basis: (states - mean) @ components.T -> (..., k).

    Raises:
        ValueError: if the state size differs from the basis' H.
    """
    states = np.asarray(states, dtype=np.float32)
    if states.shape[-1] != basis.mean.shape[0]:
        raise ValueError(f"states have size {states.shape[-1]}; the basis was fitted on "
                         f"size {basis.mean.shape[0]}")
    return (states - basis.mean) @ basis.components.T  # (..., k)


def fit_state_basis(traces: Sequence[Trace], sel: StateSelection,
                    n_components: int = 3) -> PCABasis:
    """Fit one basis on the selected states of every trace (e.g. a task's sample)."""
    if not traces:
        raise ValueError("no traces to fit a basis on")
    return fit_pca(np.concatenate([t.states(sel) for t in traces]), n_components)
