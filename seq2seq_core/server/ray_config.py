"""The Ray backend's settings, read from ``SEQ2SEQ_RAY_*`` variables (see ``backend``).

Plain Python: reading them imports nothing of Ray.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

ADDRESS_VAR = "SEQ2SEQ_RAY_ADDRESS"
FALLBACK_VAR = "SEQ2SEQ_RAY_FALLBACK"
NAMESPACE_VAR = "SEQ2SEQ_RAY_NAMESPACE"
LINGER_VAR = "SEQ2SEQ_RAY_LINGER_S"
FALLBACKS = ("none", "local")


@dataclass(frozen=True)
class RayConfig:
    """How to reach the cluster.

    Attributes:
        address: what ``ray.init(address=...)`` gets (see ``backend``).
        fallback_local: train in local threads when the cluster cannot be reached.
        namespace: Ray namespace of the runs' named actors.
        linger_s: seconds an ended run's actor waits for a poll before it exits.
        connect_timeout_s: seconds to wait for the head's port to answer.
        retry_s: after a failed connection, seconds before trying again (meanwhile
            every start fails at once with the same message).
    """

    address: str
    fallback_local: bool = False
    namespace: str = "seq2seq-explorer"
    linger_s: float = 60.0
    connect_timeout_s: float = 5.0
    retry_s: float = 15.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RayConfig | None:
        """The configuration the variables give, or None when ``SEQ2SEQ_RAY_ADDRESS`` is
        unset or empty.

        Raises:
            ValueError: a malformed variable (the message names it).
        """
        env = os.environ if env is None else env
        address = env.get(ADDRESS_VAR, "").strip()
        if not address:
            return None
        fallback = env.get(FALLBACK_VAR, "none").strip().lower() or "none"
        if fallback not in FALLBACKS:
            raise ValueError(f"{FALLBACK_VAR} must be one of {', '.join(FALLBACKS)}; "
                             f"got {env[FALLBACK_VAR]!r}")
        try:
            linger = float(env.get(LINGER_VAR, cls.linger_s))
        except ValueError:
            raise ValueError(f"{LINGER_VAR} must be a number; got {env[LINGER_VAR]!r}") from None
        if linger < 0:
            raise ValueError(f"{LINGER_VAR} must be >= 0; got {linger}")
        namespace = env.get(NAMESPACE_VAR, "").strip() or cls.namespace
        return cls(address, fallback == "local", namespace, linger)
