"""The GRU layer with its backward pass written out equals nn.GRU: outputs, final states
and the gradients of every weight, the inputs and the initial state."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seq2seq_core.gru_layer import run_gru


def _inputs(lengths, size=5, dtype=torch.float32):
    gen = torch.Generator().manual_seed(1)
    batch, length = len(lengths), max(lengths)
    x = torch.randn(batch, length, size, generator=gen, dtype=dtype)
    mask = torch.arange(length)[None, :] < torch.tensor(lengths)[:, None]  # (B, S)
    return x * mask[..., None], mask


def _reference(rnn, x, mask, h0):
    """nn.GRU itself, over packed sequences when anything is padded."""
    if bool(mask.all()):
        return rnn(x, h0)
    packed = pack_padded_sequence(x, mask.sum(1), batch_first=True, enforce_sorted=False)
    out, hidden = rnn(packed, h0)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, hidden


def _grads(fn, rnn, x, h0):
    """Outputs, final states and gradients of a fixed random function of both."""
    x = x.clone().requires_grad_(True)
    h0 = None if h0 is None else h0.clone().requires_grad_(True)
    rnn.zero_grad()
    out, hidden = fn(x, h0)
    gen = torch.Generator().manual_seed(2)
    loss = ((out * torch.randn(out.shape, generator=gen, dtype=out.dtype)).sum()
            + (hidden * torch.randn(hidden.shape, generator=gen, dtype=out.dtype)).sum())
    loss.backward()
    grads = [x.grad] + ([] if h0 is None else [h0.grad])
    return [out, hidden] + grads + [p.grad.clone() for p in rnn.parameters()]


@pytest.mark.parametrize("lengths", [[4, 4, 4], [6, 3, 1, 5], [2, 7]])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("with_h0", [False, True])
def test_equals_nn_gru(lengths, bidirectional, layers, with_h0):
    torch.manual_seed(0)
    rnn = torch.nn.GRU(5, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    x, mask = _inputs(lengths)
    dirs = 2 if bidirectional else 1
    h0 = torch.randn(layers * dirs, len(lengths), 4) if with_h0 else None
    ours = _grads(lambda xi, hi: run_gru(rnn, xi, mask, hi), rnn, x, h0)
    theirs = _grads(lambda xi, hi: _reference(rnn, xi, mask, hi), rnn, x, h0)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)
    assert torch.all(ours[0][~mask] == 0)  # padded outputs are zero, as packed ones are


def test_without_a_mask_equals_the_module_over_the_whole_batch():
    torch.manual_seed(0)
    rnn = torch.nn.GRU(5, 4, num_layers=2, batch_first=True)
    x, _ = _inputs([3, 3])
    h0 = torch.randn(2, 2, 4)
    ours = _grads(lambda xi, hi: run_gru(rnn, xi, None, hi), rnn, x, h0)
    theirs = _grads(lambda xi, hi: rnn(xi, hi), rnn, x, h0)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_gradients_match_finite_differences_in_double_precision():
    torch.manual_seed(0)
    rnn = torch.nn.GRU(3, 2, bidirectional=True, batch_first=True).double()
    x, mask = _inputs([3, 1, 2], size=3, dtype=torch.float64)
    h0 = torch.randn(2, 3, 2, dtype=torch.float64)
    weights = [w.detach().clone().requires_grad_(True) for w in rnn.parameters()]
    args = [x.requires_grad_(True), h0.requires_grad_(True), *weights]
    assert torch.autograd.gradcheck(lambda *a: _functional(rnn, mask, *a), args,
                                    eps=1e-6, atol=1e-6)


def _functional(rnn, mask, x, h0, *weights):
    """``run_gru`` with the module's weights replaced by the given tensors."""
    names = [name for name, _ in rnn.named_parameters()]
    originals = {name: getattr(rnn, name) for name in names}
    try:
        for name, w in zip(names, weights):
            delattr(rnn, name)
            setattr(rnn, name, w)
        return run_gru(rnn, x, mask, h0)
    finally:
        for name, w in originals.items():
            delattr(rnn, name)
            rnn.register_parameter(name, w)


def test_dropout_between_layers_only_while_training():
    torch.manual_seed(0)
    rnn = torch.nn.GRU(5, 4, num_layers=2, dropout=0.5, batch_first=True)
    x, mask = _inputs([4, 2])
    rnn.eval()
    torch.testing.assert_close(run_gru(rnn, x, mask)[0], _reference(rnn, x, mask, None)[0],
                               atol=1e-5, rtol=1e-4)
    rnn.train()
    trained = [run_gru(rnn, x, mask)[0] for _ in range(2)]
    assert not torch.allclose(trained[0], trained[1])  # fresh masks on each call


def test_training_dropout_draws_the_masks_nn_gru_draws_with_the_same_seed():
    """Dropout between layers, padding, both directions: the same seed gives the same
    outputs and gradients as nn.GRU (the masks are drawn over the same tensors)."""
    rnn = torch.nn.GRU(5, 4, num_layers=3, bidirectional=True, dropout=0.5,
                       batch_first=True).train()
    x, mask = _inputs([6, 3, 1, 5])

    def seeded(fn):
        return lambda xi, hi: (torch.manual_seed(7), fn(xi, hi))[1]

    ours = _grads(seeded(lambda xi, hi: run_gru(rnn, xi, mask, hi)), rnn, x, None)
    theirs = _grads(seeded(lambda xi, hi: _reference(rnn, xi, mask, hi)), rnn, x, None)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("lengths", [[4, 4, 4], [6, 3, 1, 5]])
def test_without_gradients_the_module_runs_and_gives_the_same_result(lengths):
    torch.manual_seed(0)
    rnn = torch.nn.GRU(5, 4, num_layers=2, bidirectional=True, batch_first=True)
    x, mask = _inputs(lengths)
    h0 = torch.randn(4, len(lengths), 4)
    with_grad = run_gru(rnn, x, mask, h0)
    with torch.no_grad():
        without = run_gru(rnn, x, mask, h0)
    for a, b in zip(without, with_grad):
        torch.testing.assert_close(a, b.detach(), atol=1e-6, rtol=1e-5)


def test_a_module_it_cannot_run_or_an_empty_row_is_refused():
    x, mask = _inputs([3, 2])
    with pytest.raises(ValueError, match="batch_first"):
        run_gru(torch.nn.GRU(5, 4), x, mask)
    with pytest.raises(ValueError, match="batch_first"):
        run_gru(torch.nn.GRU(5, 4, batch_first=True, bias=False), x, mask)
    empty = mask.clone()
    empty[1] = False
    with pytest.raises(ValueError, match="at least one real position"):
        run_gru(torch.nn.GRU(5, 4, batch_first=True), x, empty)
