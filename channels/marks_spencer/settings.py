"""Marks & Spencer settings and feeds, declared as data.

The settings follow what M&S suppliers set on their integration: the API key, the
volume level, the Start of Day (SoD) pull and the Demand Release (DRL) data per
volume level. All schedules and times are UTC.
"""

from __future__ import annotations

from channels.base import FeedSpec
from channels.settings_spec import EMAIL_ERRORS_TO, Setting

PEAK = "peak"
OFF_PEAK = "off_peak"
LEVEL_LABELS = {PEAK: "Peak", OFF_PEAK: "Off-Peak"}

DEFAULT_BASE_URL = "https://api.marksandspencer.com/supplier"  # see sandbox/marks_spencer/API.md
DEFAULT_SOD_SCHEDULE = "0 5 * * *"
DEFAULT_OFF_PEAK_PUSH = "0 9 * * *"
DEFAULT_PEAK_PUSH = "0 */2 * * *"
DEFAULT_BATCH_SIZE = 500
MAX_BATCH_SIZE = 100_000
MAX_ADVANCE_DAYS = 365

SOD = "Start of Day (SoD) data"
DRL = "Demand Release (DRL) data"
ADVANCED = "Advanced"


def _batch_size(value: int) -> str | None:
    if not 1 <= value <= MAX_BATCH_SIZE:
        return f"must be between 1 and {MAX_BATCH_SIZE}"
    return None


def _advance_days(value: int) -> str | None:
    if not 0 <= value <= MAX_ADVANCE_DAYS:
        return f"must be between 0 and {MAX_ADVANCE_DAYS} days"
    return None


def _base_url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")) or " " in value:
        return "must be a full URL such as http://127.0.0.1:8001/marks_spencer"
    return None


def _cron(name: str, label: str, default: str, group: str, help_text: str) -> Setting:
    return Setting(
        name, label, type="cron", required=True, default=default, group=group, help=help_text
    )


def _next_at(name: str, label: str, group: str, help_text: str) -> Setting:
    return Setting(name, label, type="datetime", group=group, help=help_text)


def _batch(name: str, label: str) -> Setting:
    return Setting(
        name,
        label,
        type="int",
        required=True,
        default=DEFAULT_BATCH_SIZE,
        group=DRL,
        validator=_batch_size,
        help="Most held orders one demand release moves into production.",
    )


SETTINGS = (
    Setting(
        "api_key",
        "API Key",
        type="secret",
        required=True,
        help="From your Marks & Spencer supplier account; sent as the x-api-key header.",
    ),
    EMAIL_ERRORS_TO,
    Setting(
        "volume_level",
        "Volume Level",
        type="choice",
        required=True,
        default=OFF_PEAK,
        choices=((PEAK, "Peak"), (OFF_PEAK, "Off-Peak")),
        help="Which push schedule and batch size the demand release follows. When you "
        "change it, also check the Demand Release data below.",
    ),
    _cron(
        "sod_schedule",
        "Schedule",
        DEFAULT_SOD_SCHEDULE,
        SOD,
        "When the day's orders are pulled (cron, UTC). Pulled orders are held until a "
        "demand release.",
    ),
    _next_at(
        "sod_next_at", "Next At", SOD, "The next pull (UTC); empty: the next slot of the schedule."
    ),
    _batch("peak_batch_size", "Peak Maximum Batch Size"),
    _batch("off_peak_batch_size", "Off-Peak Maximum Batch Size"),
    _cron(
        "peak_push_schedule",
        "Peak Push Schedule",
        DEFAULT_PEAK_PUSH,
        DRL,
        "When held orders are released during Peak (cron, UTC).",
    ),
    _cron(
        "off_peak_push_schedule",
        "Off-Peak Push Schedule",
        DEFAULT_OFF_PEAK_PUSH,
        DRL,
        "When held orders are released during Off-Peak (cron, UTC).",
    ),
    _next_at(
        "peak_next_at",
        "Peak Next At",
        DRL,
        "The first Peak release (UTC). While the level is Off-Peak, a date later than "
        "Off-Peak Next At prepares the switch to Peak.",
    ),
    _next_at("off_peak_next_at", "Off-Peak Next At", DRL, "The first Off-Peak release (UTC)."),
    Setting(
        "peak_advance_days",
        "Peak Advance Days",
        type="int",
        default=0,
        group=DRL,
        validator=_advance_days,
        help="While Off-Peak, switch to the Peak schedule and batch size this many days "
        "before Peak Next At.",
    ),
    Setting(
        "base_url",
        "API base URL override",
        type="url",
        group=ADVANCED,
        validator=_base_url,
        help="Only for a sandbox or a test endpoint; empty uses the M&S API.",
    ),
)

# import_new_orders and release_demand follow the settings above (see volume.py); the
# cron here is only the fallback the feed row starts with.
FEEDS = (
    FeedSpec("import_new_orders", cron=DEFAULT_SOD_SCHEDULE),
    FeedSpec("release_demand", cron=DEFAULT_OFF_PEAK_PUSH),
    FeedSpec("update_orders", interval_seconds=1800),
    FeedSpec("confirm_shipments", interval_seconds=900),
)

PAGE_SIZE = 100
CURSOR_OVERLAP_SECONDS = 300
OPEN_STATUS = "OPEN"
CANCELLED_STATUSES = frozenset({"CANCELLED"})
DISPATCHED_STATUSES = frozenset({"DISPATCHED"})
