"""Which volume level applies at a given time, and what it means for the M&S feeds.

Pure functions of the settings and a time, so the scheduler, provisioning and the
demand release all read the same rule, and tests can walk it across a switchover.

The rule:

- Volume Level **Peak**: the Peak push schedule and batch size, first release at
  Peak Next At (or the next slot of the schedule when it is empty or past).
- Volume Level **Off-Peak**: the Off-Peak schedule and batch size, first release at
  Off-Peak Next At, *unless a Peak season is prepared*: when Peak Next At is dated
  ahead of Off-Peak Next At (or Off-Peak Next At is empty), Peak applies from
  Peak Next At - Peak Advance Days, and from then on. A Peak Next At dated before
  Off-Peak Next At belongs to a season that is over and is ignored, so returning to
  Off-Peak only needs the level and its Next At, as M&S advise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels.base import FeedSchedule
from channels.settings_spec import parse_utc

from .settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_OFF_PEAK_PUSH,
    DEFAULT_PEAK_PUSH,
    DEFAULT_SOD_SCHEDULE,
    LEVEL_LABELS,
    OFF_PEAK,
    PEAK,
)


@dataclass(frozen=True)
class LevelPlan:
    """What one volume level sets for the demand release."""

    level: str
    push_schedule: str
    batch_size: int

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def _when(settings: Mapping[str, Any], name: str) -> dt.datetime | None:
    value = settings.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return parse_utc(str(value))


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def switchover_at(settings: Mapping[str, Any]) -> dt.datetime | None:
    """When a prepared Peak season takes over from Off-Peak; None when none is prepared."""
    if settings.get("volume_level", OFF_PEAK) != OFF_PEAK:
        return None
    peak_next = _when(settings, "peak_next_at")
    if peak_next is None:
        return None
    off_peak_next = _when(settings, "off_peak_next_at")
    if off_peak_next is not None and peak_next <= off_peak_next:
        return None  # an earlier season's date, not a prepared one
    advance_days = int(settings.get("peak_advance_days") or 0)
    return peak_next - dt.timedelta(days=advance_days)


def level_at(settings: Mapping[str, Any], now: dt.datetime | None = None) -> str:
    """`PEAK` or `OFF_PEAK`: the level whose schedule and batch size apply at `now`."""
    if settings.get("volume_level", OFF_PEAK) == PEAK:
        return PEAK
    switch = switchover_at(settings)
    return PEAK if switch is not None and _now(now) >= switch else OFF_PEAK


def plan_at(settings: Mapping[str, Any], now: dt.datetime | None = None) -> LevelPlan:
    """The push schedule and maximum batch size that apply at `now`."""
    level = level_at(settings, now)
    if level == PEAK:
        cron = settings.get("peak_push_schedule") or DEFAULT_PEAK_PUSH
        size = settings.get("peak_batch_size") or DEFAULT_BATCH_SIZE
    else:
        cron = settings.get("off_peak_push_schedule") or DEFAULT_OFF_PEAK_PUSH
        size = settings.get("off_peak_batch_size") or DEFAULT_BATCH_SIZE
    return LevelPlan(level, str(cron), int(size))


def release_schedule(settings: Mapping[str, Any], now: dt.datetime | None = None) -> FeedSchedule:
    """The demand release's timing at `now`, with its first run and a prepared handover."""
    plan = plan_at(settings, now)
    switch = switchover_at(settings)
    if plan.level == OFF_PEAK:
        return FeedSchedule(
            cron=plan.push_schedule, starts_at=_when(settings, "off_peak_next_at"), ends_at=switch
        )
    starts_at = switch if switch is not None else _when(settings, "peak_next_at")
    return FeedSchedule(cron=plan.push_schedule, starts_at=starts_at)


def start_of_day_schedule(settings: Mapping[str, Any]) -> FeedSchedule:
    """The Start of Day pull: its schedule, first run at its Next At."""
    return FeedSchedule(
        cron=str(settings.get("sod_schedule") or DEFAULT_SOD_SCHEDULE),
        starts_at=_when(settings, "sod_next_at"),
    )
