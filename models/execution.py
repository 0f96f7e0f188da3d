"""Feed executions, their attempts and events, and error fingerprints.

The execution table is the only source of truth the dashboard reads: RabbitMQ
queues cannot be inspected reliably, so every state a run passes through is a row.
"""

from __future__ import annotations

import peewee

from models.base import BaseModel
from models.enums import ExecutionStatus, Severity, Trigger
from models.fields import DateTimeField, utcnow
from models.integration import Feed, Integration


class FeedExecution(BaseModel):
    feed = peewee.ForeignKeyField(Feed, backref="executions", on_delete="CASCADE")
    # Copied from the feed so the busiest filters need no join.
    integration = peewee.ForeignKeyField(Integration, backref="executions", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    trigger = peewee.CharField(max_length=20, default=Trigger.SCHEDULE.value)
    status = peewee.CharField(max_length=20, default=ExecutionStatus.QUEUED.value)
    due_at = DateTimeField(null=True)  # the schedule slot this run stands for
    attempt = peewee.IntegerField(default=0)
    max_attempts = peewee.IntegerField(default=8)
    next_attempt_at = DateTimeField(null=True)
    retry_after_seconds = peewee.IntegerField(null=True)
    # When the scheduler should (re)send this execution if it is still waiting:
    # the sweep for a message lost between commit and send, and long retries.
    redeliver_at = DateTimeField(null=True)
    lease_expires_at = DateTimeField(null=True)
    worker = peewee.CharField(max_length=120, null=True)
    settings_version = peewee.CharField(max_length=20, null=True)
    force = peewee.BooleanField(default=False)
    queued_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    seen = peewee.IntegerField(default=0)
    created = peewee.IntegerField(default=0)
    updated = peewee.IntegerField(default=0)
    skipped = peewee.IntegerField(default=0)
    info_events = peewee.IntegerField(default=0)
    retry_events = peewee.IntegerField(default=0)
    error_events = peewee.IntegerField(default=0)
    summary = peewee.TextField(default="")

    class Meta:
        table_name = "feed_execution"
        indexes = (
            (("status", "redeliver_at"), False),
            (("status", "lease_expires_at"), False),
            (("feed", "status"), False),
            (("feed", "queued_at"), False),
            (("integration", "queued_at"), False),
            (("kind", "queued_at"), False),
            (("queued_at",), False),
            (("status", "queued_at"), False),  # migration 0004
            (("feed", "status", "finished_at"), False),  # migration 0004
        )

    def __str__(self) -> str:
        return f"execution #{self.id}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @classmethod
    def active_for(cls, feed_id: int) -> peewee.ModelSelect:
        return cls.select().where(
            (cls.feed == feed_id) & (cls.status.in_([s.value for s in ExecutionStatus.active()]))
        )


# At most one running execution per feed, enforced by the database itself.
FeedExecution.add_index(
    FeedExecution.index(FeedExecution.feed, unique=True, name="feed_execution_one_running").where(
        FeedExecution.status == ExecutionStatus.RUNNING.value
    )
)


class ExecutionAttempt(BaseModel):
    execution = peewee.ForeignKeyField(FeedExecution, backref="attempts", on_delete="CASCADE")
    number = peewee.IntegerField()
    worker = peewee.CharField(max_length=120, null=True)
    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)
    outcome = peewee.CharField(max_length=20, null=True)
    message = peewee.TextField(default="")

    class Meta:
        table_name = "execution_attempt"
        indexes = ((("execution", "number"), True),)


class ExecutionEvent(BaseModel):
    execution = peewee.ForeignKeyField(FeedExecution, backref="events", on_delete="CASCADE")
    integration = peewee.ForeignKeyField(Integration, backref="events", on_delete="CASCADE")
    severity = peewee.CharField(max_length=10, default=Severity.INFO.value)
    code = peewee.CharField(max_length=80)
    message = peewee.TextField()
    record_ref = peewee.CharField(max_length=200, null=True)
    details = peewee.JSONField(default=dict)
    fingerprint = peewee.CharField(max_length=64, index=True)
    resolved_at = DateTimeField(null=True)
    resolved_by = peewee.CharField(max_length=120, null=True)
    mailed_at = DateTimeField(null=True)

    class Meta:
        table_name = "execution_event"
        indexes = (
            (("execution", "id"), False),
            (("severity", "resolved_at", "id"), False),
            (("integration", "severity", "mailed_at"), False),
            (("record_ref",), False),
            (("integration", "id"), False),  # migration 0004 (+ partial: unresolved errors)
        )


class ErrorFingerprint(BaseModel):
    """One recurring problem: (feed, code, normalised message). Mail is per fingerprint."""

    integration = peewee.ForeignKeyField(Integration, on_delete="CASCADE")
    feed = peewee.ForeignKeyField(Feed, null=True, on_delete="CASCADE")
    fingerprint = peewee.CharField(max_length=64)
    code = peewee.CharField(max_length=80)
    message = peewee.TextField()
    first_seen_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    occurrences = peewee.IntegerField(default=0)
    last_mailed_at = DateTimeField(null=True)
    mailed_occurrences = peewee.IntegerField(default=0)
    resolved_at = DateTimeField(null=True)

    class Meta:
        table_name = "error_fingerprint"
        indexes = ((("integration", "fingerprint"), True),)
