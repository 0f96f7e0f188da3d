import datetime as dt

from models import FeedExecution, utcnow
from workers.middleware import Heartbeat, track, worker_id
from workers.provisioning import create_integration

MIRAKL = {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "k"}


def test_heartbeat_extends_only_runs_this_process_is_executing(db):
    integration = create_integration("mirakl", "Shop", MIRAKL)
    feeds = list(integration.feeds)
    old = utcnow() - dt.timedelta(seconds=5)
    live, orphan = (
        FeedExecution.create(
            feed=feed.id,
            integration=integration.id,
            kind=feed.kind,
            status="running",
            worker=worker_id(),
            lease_expires_at=old,
        )
        for feed in feeds[:2]
    )
    track(live.id, running=True)
    try:
        assert Heartbeat(interval_seconds=1, lease_seconds=60).beat() == 1
    finally:
        track(live.id, running=False)
    assert FeedExecution.get_by_id(live.id).lease_expires_at > utcnow() + dt.timedelta(seconds=50)
    # A run that died inside this (still living) process keeps its expired lease.
    assert FeedExecution.get_by_id(orphan.id).lease_expires_at == old
    assert Heartbeat(interval_seconds=1, lease_seconds=60).beat() == 0
