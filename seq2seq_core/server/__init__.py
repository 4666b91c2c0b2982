"""Multi-user machinery, still without Streamlit: training runs in worker threads, the
process-wide run registry with its slots and queue, server limits read from the
environment, and untrusted checkpoint archives.

May import anything in the core; only ``cli`` and the app import it.
"""

from seq2seq_core.server.archive import load_zip
from seq2seq_core.server.limits import LimitError, Limits
from seq2seq_core.server.registry import RunRegistry, ServerBusy, default_registry
from seq2seq_core.server.slots import SlotGate
from seq2seq_core.server.worker import RunSnapshot, RunSpec, TrainingRun

__all__ = ["LimitError", "Limits", "RunRegistry", "RunSnapshot", "RunSpec", "ServerBusy",
           "SlotGate", "TrainingRun", "default_registry", "load_zip"]
