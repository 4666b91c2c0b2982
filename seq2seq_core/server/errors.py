"""Why the server cannot take a training now: busy here, or its Ray cluster out of reach.

Both are ``ServerBusy``, so whoever shows "the server is busy, your settings are kept"
(the app's Train and Compare views) shows an unreachable cluster the same way, with the
address that was tried.
"""

from __future__ import annotations


class ServerBusy(RuntimeError):
    """Every training slot is taken and the queue is full; the message says so."""


class ClusterUnreachable(ServerBusy):
    """The Ray cluster named by ``SEQ2SEQ_RAY_ADDRESS`` cannot be reached (or cannot run
    this training); the message names the address tried and what to do."""
