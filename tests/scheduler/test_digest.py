"""Error digests over a real SMTP server: grouped, one mail per integration, no repeats."""

import datetime as dt

from models import ErrorFingerprint, ExecutionEvent, Feed, Severity, utcnow
from models.enums import Trigger
from scheduler.digest import Digest, SmtpSettings
from workers.dispatch import new_execution
from workers.provisioning import create_integration
from workers.recorder import Recorder

MIRAKL = {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "secret-api-key"}


def record_errors(integration, messages):
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "import_new_orders"))
    execution = new_execution(feed, Trigger.SCHEDULE, utcnow())
    recorder = Recorder(execution)
    for code, message, ref in messages:
        recorder.event(Severity.ERROR, code, message, record_ref=ref)
    return execution


def test_one_mail_per_integration_grouped_by_fingerprint(db, smtp_server):
    shop = create_integration("mirakl", "Shop A", {**MIRAKL, "email_errors_to": "a@example.com"})
    other = create_integration("mirakl", "Shop B", {**MIRAKL, "email_errors_to": "b@example.com"})
    silent = create_integration("mirakl", "Shop C", MIRAKL)  # nobody to mail
    record_errors(
        shop,
        [
            (
                "malformed_payload",
                "Mirakl order ORD-1 is malformed: 'offer_sku' is missing",
                "ORD-1",
            ),
            (
                "malformed_payload",
                "Mirakl order ORD-2 is malformed: 'offer_sku' is missing",
                "ORD-2",
            ),
            ("missing_sku_mapping", "channel SKU 'X-1' has no SKU mapping", "ORD-3"),
        ],
    )
    record_errors(other, [("bad_credentials", "Mirakl refused the credentials", None)])
    record_errors(silent, [("bad_credentials", "Mirakl refused the credentials", None)])

    digest = Digest(SmtpSettings("127.0.0.1", smtp_server.port), interval_seconds=60)
    assert digest.send_all(utcnow()) == 2
    mails = {m["To"]: m for m in smtp_server.received}
    assert set(mails) == {"a@example.com", "b@example.com"}
    body = mails["a@example.com"].get_payload()
    assert body.count("[malformed_payload]") == 1  # one entry per fingerprint
    assert "2 occurrence(s); records: ORD-1, ORD-2" in body
    assert "[missing_sku_mapping]" in body
    assert "3 error(s)" in mails["a@example.com"]["Subject"]
    assert not ExecutionEvent.select().where(ExecutionEvent.mailed_at.is_null()).exists()


def test_recurring_fingerprint_is_not_mailed_again_until_the_repeat_interval(db, smtp_server):
    shop = create_integration("mirakl", "Shop", {**MIRAKL, "email_errors_to": "a@example.com"})
    digest = Digest(SmtpSettings("127.0.0.1", smtp_server.port), repeat_seconds=3600)
    now = utcnow()
    record_errors(
        shop, [("channel_timeout", "Mirakl did not answer GET /api/orders within 30 s", None)]
    )
    assert digest.send_all(now) == 1
    record_errors(
        shop, [("channel_timeout", "Mirakl did not answer GET /api/orders within 30 s", None)]
    )
    assert digest.send_all(now + dt.timedelta(minutes=5)) == 0
    record_errors(
        shop, [("channel_timeout", "Mirakl did not answer GET /api/orders within 30 s", None)]
    )
    assert digest.send_all(now + dt.timedelta(hours=2)) == 1
    assert len(smtp_server.received) == 2
    assert "Still happening" in smtp_server.received[1].get_payload()
    (fp,) = ErrorFingerprint.select()
    assert fp.occurrences == 3


def test_smtp_down_keeps_events_for_the_next_digest(db, smtp_server):
    shop = create_integration("mirakl", "Shop", {**MIRAKL, "email_errors_to": "a@example.com"})
    record_errors(shop, [("bad_credentials", "refused", None)])
    from support import free_port

    down = Digest(SmtpSettings("127.0.0.1", free_port(), timeout_seconds=2))
    assert down.send_all(utcnow()) == 0
    assert ExecutionEvent.select().where(ExecutionEvent.mailed_at.is_null()).count() == 1
    up = Digest(SmtpSettings("127.0.0.1", smtp_server.port))
    assert up.send_all(utcnow()) == 1
    assert "secret-api-key" not in smtp_server.received[0].as_string()
