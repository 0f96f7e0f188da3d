"""What every simulator keeps around its own data: accounts, a lock, a clock, call logs, sleepers.

Each channel's store (``MiraklStore``, ``AmazonStore``...) subclasses ``Store`` and adds its data
and rules. Requests arrive on many threads at once (several worker processes poll the same
account), so every read or change of account data happens under ``store.lock``, a re-entrant
lock; the only waits outside it are injected timeouts, which a reset or a server stop cuts
short. An account (a shop, a seller, a supplier) is found by the key its control API uses.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sandbox.faults import FaultQueue
from sandbox.timeutil import utc_now

logger = logging.getLogger(__name__)

CALL_LOG_LIMIT = 20_000


def call_log(limit: int = CALL_LOG_LIMIT) -> deque[dict[str, Any]]:
    """The most recent calls, oldest dropped first, so a long demo does not grow without end."""
    return deque(maxlen=limit)


@dataclass
class Account:
    """An account's injected faults, its call log and its per-record operation counts.

    The fields are keyword-only so that a channel's account lists its own fields first.
    """

    faults: FaultQueue = field(default_factory=FaultQueue, kw_only=True)
    calls: deque[dict[str, Any]] = field(default_factory=call_log, kw_only=True)
    op_counts: dict[Any, Counter[str]] = field(default_factory=dict, kw_only=True)

    def count_operation(self, ref: Any, operation: str, ok: bool) -> None:
        """Count a write to one record (``<operation>_calls``, ``<operation>_ok``) for summaries."""
        counter = self.op_counts.setdefault(ref, Counter())
        counter[f"{operation}_calls"] += 1
        if ok:
            counter[f"{operation}_ok"] += 1


class Store:
    """All simulator state of one channel in one sandbox app, guarded by one re-entrant lock.

    ``label`` names the channel in log lines. Subclasses keep their accounts in ``_accounts``
    and forget their other data in ``clear()``.
    """

    label = "Sandbox"

    def __init__(self, clock: Callable[[], Any] = utc_now) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._accounts: dict[Hashable, Any] = {}
        self._wake = threading.Event()
        # Calls no account could be identified for (bad credentials), for the control API.
        self.unattributed_calls = call_log()

    def now(self) -> Any:
        """Real time, read per request (time-driven changes are evaluated lazily against it)."""
        return self._clock()

    def reset(self) -> None:
        """Forget every account and wake any call sleeping in an injected timeout."""
        with self.lock:
            self._accounts.clear()
            self.clear()
            self.unattributed_calls.clear()
            self.wake_sleepers()
        logger.info("%s sandbox state cleared", self.label)

    def clear(self) -> None:
        """Forget what the channel keeps besides its accounts (tokens, images...)."""

    def account(self, key: Hashable) -> Any | None:
        with self.lock:
            return self._accounts.get(key)

    def all_accounts(self) -> list[Any]:
        with self.lock:
            return list(self._accounts.values())

    def find(self, matches: Callable[[Any], bool]) -> Any | None:
        """The first account ``matches`` accepts (the owner of a key or a token)."""
        with self.lock:
            return next((a for a in self._accounts.values() if matches(a)), None)

    def log_call(self, account: Any | None, entry: dict[str, Any]) -> None:
        with self.lock:
            (account.calls if account is not None else self.unattributed_calls).append(entry)

    def sleep(self, seconds: float) -> None:
        """An injected delay that a reset or a server stop cuts short."""
        self._wake.wait(seconds)

    def wake_sleepers(self) -> None:
        self._wake.set()
        self._wake = threading.Event()
