"""Replay snapshots: bounded, evenly spaced, and restoring exactly the weights of their step."""

import numpy as np
import pytest
import torch

import seq2seq_core as core
from seq2seq_core.inside.projection import fit_pca, project
from seq2seq_core.inside.replay import SnapshotStore, model_bytes, replay_frames
from seq2seq_core.inside.trace import StateSelection, trace
from seq2seq_core.server.worker import RunSpec, TrainingRun


def test_store_keeps_at_most_capacity_evenly_spaced_and_the_newest(make_tiny):
    tm = make_tiny()
    store = SnapshotStore(max_snapshots=8)
    for step in range(10, 1010, 10):  # 100 evaluations
        store.add(step, tm)
        steps = [s.step for s in store.snapshots()]
        assert len(steps) <= 8 and steps[-1] == step and steps[0] == 10
    kept = [s.step for s in store.snapshots()][:-1]
    assert len(set(np.diff(kept))) == 1  # evenly spaced, apart from the newest
    assert len(store.snapshots()) >= 5  # thinning halves, never empties


def test_store_counts_bytes_and_caps_them(make_tiny):
    tm = make_tiny()
    by_hand = 4 * sum(p.numel() for p in tm.model.parameters())  # float32, no buffers
    assert model_bytes(tm) == by_hand
    store = SnapshotStore(max_snapshots=40, max_bytes=3 * by_hand)
    for step in range(20):
        store.add(step, tm)
    assert len(store.snapshots()) <= 3 and store.nbytes == by_hand * len(store.snapshots())
    with pytest.raises(ValueError):
        SnapshotStore(max_snapshots=1)


def _spec(steps):
    return RunSpec("reverse", {"n_train": 300, "n_heldout": 20, "min_len": 3, "max_len": 4},
                   {"emb_dim": 8, "hidden_dim": 16},
                   core.TrainConfig(steps=steps, eval_every=5, eval_size=20, seed=3))


def test_run_snapshots_restore_exactly_the_weights_of_their_step():
    run = TrainingRun(_spec(20)).start()
    run.join(60)
    snaps = run.replay.snapshots()
    assert [s.step for s in snaps] == [5, 10, 15, 20]
    # Replay the same seeded training by hand and compare the weights at each step.
    spec = _spec(20)
    task = core.make_task(spec.task, seed=spec.train.seed, **spec.task_options)
    trainer = core.Trainer(core.new_model(task, spec.model, spec.train.seed), task, spec.train)
    for snap in snaps:
        while trainer.step_count < snap.step:
            trainer.step()
        expected = trainer.model.state_dict()
        got = snap.tm.model.state_dict()
        assert got.keys() == expected.keys()
        assert all(torch.equal(got[k], expected[k]) for k in got), snap.step
        assert not snap.tm.model.training


def test_replay_frames_project_each_snapshots_trace_on_one_basis(make_tiny):
    store = SnapshotStore()
    store.add(1, make_tiny(seed=1))
    store.add(2, make_tiny(seed=2))
    basis = fit_pca(np.random.default_rng(0).normal(size=(30, 12)), 2)
    sel = StateSelection("decoder")
    frames = replay_frames(store.snapshots(), "abc", basis, sel, max_len=6)
    assert [f.step for f in frames] == [1, 2]
    for frame, seed in zip(frames, (1, 2)):
        states = trace(make_tiny(seed=seed), "abc", max_len=6).decoder_states[-1]
        np.testing.assert_allclose(frame.points, (states - basis.mean) @ basis.components.T,
                                   atol=1e-5)
        assert project(basis, states).shape == (len(frame.trace.output_tokens), 2)
