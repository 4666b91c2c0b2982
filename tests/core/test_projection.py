"""PCA basis and projection, checked against hand-made data and the formula by hand."""

import numpy as np
import pytest

from seq2seq_core.inside.projection import PCABasis, fit_pca, fit_state_basis, project
from seq2seq_core.inside.trace import StateSelection, trace_batch


def test_projection_is_the_basis_applied_by_hand():
    basis = PCABasis(mean=np.array([1.0, 2.0, 3.0], np.float32),
                     components=np.array([[1, 0, 0], [0, 0, 1]], np.float32),
                     explained_variance_ratio=np.array([0.7, 0.3], np.float32), n_samples=9)
    states = np.array([[2.0, 5.0, 3.0], [1.0, 2.0, 10.0]])
    # (x - mean) @ components.T: first row (1, 3, 0) -> (1, 0); second (0, 0, 7) -> (0, 7)
    np.testing.assert_allclose(project(basis, states), [[1.0, 0.0], [0.0, 7.0]])
    with pytest.raises(ValueError, match="size 2"):
        project(basis, np.zeros((4, 2)))


def test_states_on_a_line_give_that_line_as_first_component():
    t = np.linspace(-2, 3, 11)[:, None]
    basis = fit_pca(t * np.array([3.0, 4.0]) + np.array([1.0, 1.0]), n_components=2)
    np.testing.assert_allclose(basis.components[0], [0.6, 0.8], atol=1e-6)
    np.testing.assert_allclose(basis.explained_variance_ratio, [1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(basis.mean, [1 + 3 * 0.5, 1 + 4 * 0.5], atol=1e-6)


def test_basis_is_orthonormal_and_ratios_are_the_projected_variances():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    basis = fit_pca(x, n_components=3)
    np.testing.assert_allclose(basis.components @ basis.components.T, np.eye(3), atol=1e-5)
    coords = project(basis, x)
    total = x.var(axis=0).sum()
    np.testing.assert_allclose(basis.explained_variance_ratio, coords.var(axis=0) / total,
                               rtol=1e-4)
    assert list(np.argmax(np.abs(basis.components), axis=1)) == [0, 1, 2]
    assert (basis.components[np.arange(3), [0, 1, 2]] > 0).all()  # sign convention


def test_fewer_samples_than_components_leave_zero_rows():
    basis = fit_pca(np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]]), n_components=3)
    np.testing.assert_allclose(basis.components[0], [1 / 3, 2 / 3, 2 / 3], atol=1e-6)
    assert not basis.components[1:].any() and not basis.explained_variance_ratio[1:].any()
    with pytest.raises(ValueError, match="N >= 2"):
        fit_pca(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="NaN"):
        fit_pca(np.array([[0.0, np.nan], [1.0, 1.0]]))


def test_state_basis_is_fitted_on_every_traces_states(make_tiny):
    tm = make_tiny(cell="lstm")
    traces = trace_batch(tm, ["abc", "hgfe", "aa"])
    sel = StateSelection(cell=True)
    stacked = np.concatenate([t.encoder_cells[-1, 0] for t in traces])  # (4 + 5 + 3, H)
    basis = fit_state_basis(traces, sel, n_components=2)
    assert basis.n_samples == 12
    np.testing.assert_allclose(basis.mean, stacked.mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(project(basis, traces[1].states(sel)),
                               (stacked[4:9] - stacked.mean(axis=0)) @ basis.components.T,
                               atol=1e-5)
