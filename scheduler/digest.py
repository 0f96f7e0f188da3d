"""Error mail as a digest: one mail per integration per interval, grouped by fingerprint.

A fingerprint seen for the first time (or again after it was resolved) is mailed
at the next digest; one that keeps recurring is mentioned again only once per
`repeat_seconds`, so a channel that is down all night sends a handful of mails,
not hundreds. Mail goes over plain SMTP (`smtplib`), configured by `SMTP_*`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage

from models import ErrorFingerprint, ExecutionEvent, Integration, Severity

log = logging.getLogger(__name__)

MAX_EVENTS_PER_DIGEST = 5000


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "channelhub@localhost"
    starttls: bool = False
    timeout_seconds: float = 15.0

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        host = os.environ.get("SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(os.environ.get("SMTP_PORT", "25")),
            username=os.environ.get("SMTP_USERNAME") or None,
            password=os.environ.get("SMTP_PASSWORD") or None,
            sender=os.environ.get("SMTP_FROM", "channelhub@localhost"),
            starttls=os.environ.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )


class Digest:
    def __init__(
        self,
        smtp: SmtpSettings | None,
        *,
        interval_seconds: float = 60,
        repeat_seconds: float = 24 * 3600,
        base_url: str = "http://localhost:8000",
    ) -> None:
        self.smtp = smtp
        self.interval = dt.timedelta(seconds=interval_seconds)
        self.repeat = dt.timedelta(seconds=repeat_seconds)
        self.base_url = base_url.rstrip("/")
        self.last_run: dt.datetime | None = None

    @classmethod
    def from_env(cls) -> Digest:
        return cls(
            SmtpSettings.from_env(),
            interval_seconds=float(os.environ.get("CHANNELHUB_DIGEST_SECONDS", "60")),
            repeat_seconds=float(os.environ.get("CHANNELHUB_DIGEST_REPEAT_SECONDS", "86400")),
            base_url=os.environ.get("CHANNELHUB_BASE_URL", "http://localhost:8000"),
        )

    def maybe_send(self, now: dt.datetime) -> int:
        if self.last_run is not None and now - self.last_run < self.interval:
            return 0
        self.last_run = now
        return self.send_all(now)

    def send_all(self, now: dt.datetime) -> int:
        """One digest per integration with unmailed error events; returns mails sent."""
        integration_ids = [
            row[0]
            for row in ExecutionEvent.select(ExecutionEvent.integration)
            .where(
                (ExecutionEvent.severity == Severity.ERROR.value)
                & ExecutionEvent.mailed_at.is_null()
            )
            .distinct()
            .tuples()
        ]
        sent = 0
        for integration in list(Integration.select().where(Integration.id.in_(integration_ids))):
            sent += self._digest_for(integration, now)
        return sent

    def _digest_for(self, integration: Integration, now: dt.datetime) -> int:
        events = list(
            ExecutionEvent.select()
            .where(
                (ExecutionEvent.integration == integration.id)
                & (ExecutionEvent.severity == Severity.ERROR.value)
                & ExecutionEvent.mailed_at.is_null()
            )
            .order_by(ExecutionEvent.id)
            .limit(MAX_EVENTS_PER_DIGEST)
        )
        grouped: dict[str, list[ExecutionEvent]] = defaultdict(list)
        for event in events:
            grouped[event.fingerprint].append(event)
        prints = {
            fp.fingerprint: fp
            for fp in ErrorFingerprint.select().where(
                (ErrorFingerprint.integration == integration.id)
                & ErrorFingerprint.fingerprint.in_(list(grouped))
            )
        }
        fresh, recurring = [], []
        for key, group in grouped.items():
            fp = prints.get(key)
            if fp is None or fp.last_mailed_at is None:
                fresh.append(group)
            elif now - fp.last_mailed_at >= self.repeat:
                recurring.append(group)
        mailed = 0
        recipients = integration.recipients()
        if (fresh or recurring) and recipients:
            if self.smtp is None:
                log.warning(
                    "error digest for integration %s not mailed: SMTP_HOST is not set",
                    integration.id,
                )
                return 0
            message = self._compose(integration, recipients, fresh, recurring)
            try:
                self._deliver(message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("error digest for integration %s not sent yet: %s", integration.id, exc)
                return 0
            mailed = 1
            keys = [g[0].fingerprint for g in fresh + recurring]
            ErrorFingerprint.update(last_mailed_at=now).where(
                (ErrorFingerprint.integration == integration.id)
                & ErrorFingerprint.fingerprint.in_(keys)
            ).execute()
        ExecutionEvent.update(mailed_at=now).where(
            ExecutionEvent.id.in_([e.id for e in events])
        ).execute()
        return mailed

    def _compose(self, integration, recipients, fresh, recurring) -> EmailMessage:
        total = sum(len(g) for g in fresh + recurring)
        message = EmailMessage()
        message["Subject"] = f"[channelhub] {integration.name}: {total} error(s) need attention"
        message["From"] = self.smtp.sender
        message["To"] = ", ".join(recipients)
        lines = [
            f"Integration: {integration.name} ({integration.channel}, {integration.mode} mode)",
            "",
        ]
        for title, groups in (("New problems", fresh), ("Still happening", recurring)):
            if not groups:
                continue
            lines += [title, "-" * len(title)]
            for group in groups:
                first = group[0]
                refs = sorted({e.record_ref for e in group if e.record_ref})[:10]
                lines.append(f"* [{first.code}] {first.message}")
                lines.append(
                    f"  {len(group)} occurrence(s)"
                    + (f"; records: {', '.join(refs)}" if refs else "")
                )
                lines.append(
                    f"  {self.base_url}/admin/feedexecution/details/?id={first.execution_id}"
                )
            lines.append("")
        lines.append("Resolve them in the dashboard's bell once fixed.")
        message.set_content("\n".join(lines))
        return message

    def _deliver(self, message: EmailMessage) -> None:
        with smtplib.SMTP(
            self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_seconds
        ) as smtp:
            if self.smtp.starttls:
                smtp.starttls()
            if self.smtp.username:
                smtp.login(self.smtp.username, self.smtp.password or "")
            smtp.send_message(message)
