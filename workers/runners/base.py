"""The runner base: a fixed order of steps and one rule for record-level problems."""

from __future__ import annotations

from typing import ClassVar

from channels.errors import ChannelProblem, CredentialsError, Retry
from workers.context import RunContext


class Runner:
    kind: ClassVar[str] = ""

    def __init__(self, context: RunContext) -> None:
        self.ctx = context
        self.connector = context.connector
        self.recorder = context.recorder

    def run(self) -> None:
        raise NotImplementedError

    def record(self, problem: ChannelProblem, *, record_ref: str | None = None) -> None:
        """Keep a record-level problem as an event and go on with the next record.

        Transport trouble (a retry without a record) and bad credentials are about the
        whole run, not this record: they propagate and end the run.
        """
        if isinstance(problem, CredentialsError):
            raise problem
        if isinstance(problem, Retry) and not (problem.record_ref or record_ref):
            raise problem
        self.recorder.problem(problem, record_ref=record_ref)
