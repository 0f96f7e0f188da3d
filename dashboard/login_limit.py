"""The login rate limit: a few failed logins per username and per client address, then a wait.

Failures are rows in `login_attempt`, so every web process (gunicorn runs several,
possibly on several machines) counts the same attempts; a counter in memory would
multiply the allowed guesses by the number of processes. The window slides: once
the limit is reached, one more try is allowed when the oldest counted failure is
older than the window, so there are never more than `max_failures` guesses per
window per username and per address.

The same limit applies to usernames that do not exist, and the refusal says
nothing about the account, so the limit cannot be used to find out which exist.
A successful login clears that username's failures.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import peewee

from models import LoginAttempt, database, utcnow

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
USERNAME_MAX = 80


@dataclass(frozen=True)
class LoginLimit:
    max_failures: int = MAX_FAILURES
    window_seconds: int = WINDOW_SECONDS

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.window_seconds)

    def seconds_to_wait(self, username: str, client_ip: str, now: dt.datetime | None = None) -> int:
        """0 when a login may be tried now; otherwise how long until one may."""
        now = now or utcnow()
        waits = [
            self._wait(LoginAttempt.username == _key(username), now),
            self._wait(LoginAttempt.client_ip == client_ip, now),
        ]
        return max(waits)

    def _wait(self, condition: peewee.Expression, now: dt.datetime) -> int:
        # The newest `max_failures` failures in the window (an index range on (column, at)).
        recent = list(
            LoginAttempt.select(LoginAttempt.at)
            .where(condition & (LoginAttempt.at > now - self.window))
            .order_by(LoginAttempt.at.desc())
            .limit(self.max_failures)
        )
        if len(recent) < self.max_failures:
            return 0
        free_at = recent[-1].at + self.window
        return max(math.ceil((free_at - now).total_seconds()), 1)

    def record_failure(self, username: str, client_ip: str, now: dt.datetime | None = None) -> None:
        now = now or utcnow()
        with database.atomic():
            LoginAttempt.create(username=_key(username), client_ip=client_ip, at=now)
            # Older rows count for nothing any more: the table stays as small as the window.
            LoginAttempt.delete().where(LoginAttempt.at <= now - self.window).execute()

    def clear(self, username: str) -> None:
        """After a successful login: this user's earlier typos no longer count."""
        LoginAttempt.delete().where(LoginAttempt.username == _key(username)).execute()


def _key(username: str) -> str:
    """Case-insensitive, so `Alice` and `alice` share one allowance."""
    return username.strip().lower()[:USERNAME_MAX]


def wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
