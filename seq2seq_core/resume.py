"""Stop and resume: a training's whole state saved beside its checkpoint, without pickle.

    <folder>/                        the model checkpoint (``checkpoint.save``)
    <folder>/training.safetensors    Adam's tensors per parameter, the teacher-forcing
                                     generator's state
    <folder>/training.json           steps done, task and options, TrainConfig, Adam's
                                     hyperparameters, the batch-order generator's state

``save_training`` writes it; ``resume`` rebuilds the task (tasks are seeded generators)
and a ``Trainer`` whose next step is exactly the step the saved one would have taken:
on the CPU, N steps, save, resume, M steps give bit for bit the weights of N + M steps.
Dropout needs no saved state: ``Trainer.step`` reseeds it from the step number.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seq2seq_core.checkpoint import CheckpointError, load, save
from seq2seq_core.config import TrainConfig, from_dict, to_dict
from seq2seq_core.tasks import make_task
from seq2seq_core.train import AlignmentScorer, Trainer
from seq2seq_core.trained import TrainedModel

FORMAT = "seq2seq-explorer-training"
TENSORS, META = "training.safetensors", "training.json"
GENERATOR = "teacher_forcing_generator"


def save_training(directory: str | Path, trainer: Trainer,
                  task_options: dict[str, Any] | None = None,
                  tm: TrainedModel | None = None) -> Path:
    """Write the model and everything ``resume`` needs into ``directory``.

    Args:
        task_options: the options the task was made with (``make_task(name, **options)``).
        tm: the model to save, if ``Trainer.run`` already returned it (else it is
            evaluated once more for its summary).
    """
    folder = save(directory, tm or trainer.finished_model(trainer.evaluate()))
    state = trainer.state_dict()
    opt = state["optimizer"]
    tensors = {f"adam.{index}.{name}": value.detach().cpu().contiguous()
               for index, adam in opt["state"].items() for name, value in adam.items()}
    tensors[GENERATOR] = state["generator"]
    save_file(tensors, str(folder / TENSORS), metadata={"format": FORMAT})
    meta = {"format": FORMAT, "format_version": 1, "step": state["step"],
            "task": trainer.task.name, "task_options": task_options or {},
            "train_config": to_dict(trainer.cfg), "param_groups": opt["param_groups"],
            "batch_order_state": state["batch_order"]}
    (folder / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return folder


def _meta(directory: str | Path) -> dict[str, Any]:
    folder = Path(directory)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CheckpointError(f"{folder.name} holds no resumable training state ({err})") \
            from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{META} is not a {FORMAT} file")
    return meta


def saved_task_options(directory: str | Path) -> dict[str, Any]:
    """The task options a saved run was made with (for saving it again)."""
    return dict(_meta(directory).get("task_options") or {})


def resume_config(directory: str | Path) -> TrainConfig:
    """The TrainConfig a saved run was trained with."""
    return from_dict(TrainConfig, _meta(directory)["train_config"])


def resume(directory: str | Path, cfg: TrainConfig | None = None,
           alignment: AlignmentScorer | None = None) -> Trainer:
    """A ``Trainer`` that continues the run saved in ``directory``.

    Args:
        cfg: a new TrainConfig (e.g. more ``steps``); its seed, batch size and learning
            rate must match the saved run's for the run to continue exactly.

    Raises:
        CheckpointError: a file is missing, corrupt or from another format.
    """
    folder = Path(directory)
    meta = _meta(folder)
    try:
        tensors = load_file(str(folder / TENSORS))
    except (OSError, ValueError, SafetensorError) as err:
        raise CheckpointError(f"{TENSORS} cannot be read ({err})") from None
    saved_cfg = from_dict(TrainConfig, meta["train_config"])
    cfg = cfg or saved_cfg
    task = make_task(meta["task"], **{"seed": saved_cfg.seed, **meta["task_options"]})
    tm = load(folder)
    trainer = Trainer(tm, task, cfg, alignment)
    adam: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("adam."):
            _, index, name = key.split(".", 2)
            adam.setdefault(int(index), {})[name] = value
    trainer.load_state_dict({
        "step": meta["step"], "generator": tensors[GENERATOR],
        "optimizer": {"state": adam, "param_groups": meta["param_groups"]},
        "batch_order": meta["batch_order_state"]})
    return trainer
