"""What a runner gets: the rows it works for, the connector, and the recorder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from channels.base import Connector
from models import Feed, FeedExecution, Integration
from workers.recorder import Recorder


@dataclass
class RunContext:
    execution: FeedExecution
    feed: Feed
    integration: Integration
    connector: Connector
    recorder: Recorder
    started_at: dt.datetime

    def save_cursor(self, position: dict[str, Any]) -> None:
        """Move the feed's cursor; call inside the transaction that committed the page."""
        merged = {**(self.feed.cursor or {}), **position}
        Feed.update(cursor=merged).where(Feed.id == self.feed.id).execute()
        self.feed.cursor = merged
