"""Multi-user machinery, still without Streamlit: training runs in worker threads (or
as actors on a Ray cluster when ``SEQ2SEQ_RAY_ADDRESS`` is set; Ray is imported only
then), the process-wide run registry with its slots and queue, server limits read from
the environment, and untrusted checkpoint archives.

May import anything in the core; only ``cli`` and the app import it.
"""

from seq2seq_core.server.archive import load_zip
from seq2seq_core.server.backend import RayConfig, backend_from_env
from seq2seq_core.server.errors import ClusterUnreachable
from seq2seq_core.server.limits import LimitError, Limits
from seq2seq_core.server.registry import RunRegistry, ServerBusy, default_registry
from seq2seq_core.server.slots import SlotGate
from seq2seq_core.server.worker import RunSnapshot, RunSpec, TrainingRun

__all__ = ["ClusterUnreachable", "LimitError", "Limits", "RayConfig", "RunRegistry",
           "RunSnapshot", "RunSpec", "ServerBusy", "SlotGate", "TrainingRun", "backend_from_env",
           "default_registry", "load_zip"]
