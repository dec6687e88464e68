"""A warehouse of realistic alerts for the review app's screenshots, benchmark and tests.

The alerts are raised by the real alert builder (:func:`pipelines.alerts.build.build_alerts`)
from staged records and detections with the shipped rules, routing and masking, and stored
through the warehouse's stores, so the pages show what a deployment would. Texts are as the
pipeline stores them: already redacted (``<PERSON>``) before the masking of offensive words.

The warehouse stamps alerts with the wall clock when they are committed; to show alerts
raised over the last days, ``seed`` sets that clock for each batch (``raised_at``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pyarrow as pa

from pipelines.alerts.build import build_alerts
from pipelines.config import Settings
from pipelines.staging import DETECTION_ARROW_SCHEMA, RECORD_ARROW_SCHEMA
from pipelines.usecases.compose import masker_for, routing_for, rules_for
from pipelines.warehouse import Warehouse
from pipelines.warehouse.alerts import alerts_table, deliveries_table
from schemas.alerts import Alert
from schemas.vocabulary import DETECTION_CLAUSES

FACT_CHECK = "https://fullfact.example/checks/campus-closure-rumour"


@dataclass(frozen=True)
class Sample:
    """One kind of post that raises an alert: its text, its detections, its thread."""

    text: str
    #: (category, score, top terms) per detection; empty for a text rule (word lists).
    detections: tuple[tuple[str, float, tuple[str, ...]], ...] = ()
    official: bool = False
    kind: str = "reply"
    parent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "I know which building your admissions office is in. Wait for me after the open day, "
        "you will regret this",
        (("threat", 0.93, ("regret", "wait")), ("offensive", 0.62, ())),
        parent="Congratulations to everyone who got their offer today!",
    ),
    Sample(
        "you are all pathetic clowns and the idiot who runs this account should be sacked",
        (("offensive", 0.97, ("pathetic", "clowns", "idiot")),),
        parent="Our library is now open 24 hours during exams.",
    ),
    Sample(
        "send them all back, those migrants are ruining this university",
        (("hate", 0.81, ("migrants",)), ("offensive", 0.55, ())),
        parent="Welcome week starts on Monday: 3,000 new international students!",
    ),
    Sample(
        "The campus is closing for good next month, the council confirmed it, share this",
        (("misleading", 0.77, ()),),
        kind="comment",
        parent="Term dates for next year are now on the website.",
        extra={"matched_claim": {"id": "campus-closure", "fact_check": FACT_CHECK}},
    ),
    Sample(
        "What a stupid decision, typical of this place",
        (("offensive", 0.58, ("stupid",)),),
        kind="mention",
    ),
    Sample(
        "Congratulations to <PERSON> on her award! Call her on <PHONE> to say well done",
        (("personal_data", 1.0, ()),),
        official=True,
        kind="post",
        extra={"entity_types": {"PERSON": 1, "PHONE": 1}},
    ),
    Sample(
        "Big news soon about Project Nightingale, watch this space",
        official=True,
        kind="post",
    ),
    Sample(
        "We're hiring! Apply now for the role of lab technician, DM us for details",
        official=True,
        kind="post",
    ),
    # More of the commonest kinds, worded differently, so a queue looks like a real one.
    Sample(
        "If the vice chancellor shows up at the graduation on Friday he will not walk out again",
        (("threat", 0.88, ("walk", "out")),),
        kind="mention",
    ),
    Sample(
        "Somebody should burn the chemistry building down with the lecturers inside",
        (("threat", 0.96, ("burn", "down")), ("offensive", 0.7, ())),
        kind="comment",
        parent="Open day this Saturday: tours of the new chemistry building from 10am.",
    ),
    Sample(
        "shut up you useless morons, nobody cares about your rankings",
        (("offensive", 0.92, ("useless", "morons")),),
        parent="We are in the top 20 for student satisfaction again!",
    ),
    Sample(
        "<PERSON> is a disgusting liar and everyone at this uni knows it",
        (("offensive", 0.89, ("disgusting", "liar")),),
        kind="comment",
        parent="Meet our new Dean of Students.",
    ),
    Sample(
        "women like her should stay out of engineering departments",
        (("hate", 0.74, ("women",)),),
        parent="Celebrating our women in engineering award winners.",
    ),
)


def _record(number: int, sample: Sample, account: str, moment: datetime) -> dict[str, Any]:
    parent_id = f"x:{number + 500_000_000}" if sample.parent else None
    return {
        "id": f"x:{number}",
        "platform": "x",
        "kind": sample.kind,
        "account": account,
        "accounts": json.dumps([account]),
        "native_id": str(number),
        "parent_id": parent_id,
        "conversation_id": parent_id or f"x:{number}",
        "author_id": "official" if sample.official else f"{number:064x}",
        "author_is_official": sample.official,
        "text": sample.text,
        "lang": "en",
        "created_at": moment - timedelta(minutes=7),
        "observed_at": moment - timedelta(minutes=2),
        "url": f"https://x.com/i/web/status/{number}",
        "deleted": False,
        "schema_version": 1,
        "source_partition": 0,
        "source_offset": number,
        "pii_entities": "[]",
        "text_lang": "en",
        "scored": True,
    }


def _detections(number: int, sample: Sample, account: str) -> list[dict[str, Any]]:
    found = []
    for category, score, terms in sample.detections:
        if category == "personal_data":
            evidence: dict[str, Any] = {"entity_types": sample.extra["entity_types"]}
            detector, version = "privacy", "privacy-2"
        else:
            evidence = {
                "threshold": {"threat": 0.5, "hate": 0.5, "misleading": 0.6}.get(category, 0.45),
                "top_terms": list(terms),
                "lang": "en",
                "scored": True,
                "model_versions": {category: f"{category}-20261126-a9002c3132"},
            }
            if category == "misleading" and "matched_claim" in sample.extra:
                evidence["matched_claim"] = sample.extra["matched_claim"]
            detector, version = "classifiers", f"{category}=20261126-a9002c3132"
        found.append(
            {
                "detection_id": f"x:{number}|{category}",
                "record_id": f"x:{number}",
                "account": account,
                "category": category,
                "policy_clause": DETECTION_CLAUSES[category],
                "score": score,
                "evidence": json.dumps(evidence),
                "detector": detector,
                "detector_version": version,
                "record_observed_at": None,
            }
        )
    return found


@contextmanager
def _wall_clock(moment: datetime) -> Iterator[None]:
    with mock.patch("pipelines.warehouse.bulk.now", return_value=moment):
        yield


def raise_alerts(
    warehouse: Warehouse,
    settings: Settings,
    samples: Sequence[tuple[int, Sample, str]],
    raised_at: datetime,
) -> list[Alert]:
    """Store records for ``(number, sample, account)`` and the alerts the rules raise on them."""
    records = [_record(number, sample, account, raised_at) for number, sample, account in samples]
    detections = [
        row for number, sample, account in samples for row in _detections(number, sample, account)
    ]
    parents = {
        f"x:{number + 500_000_000}": sample.parent for number, sample, _ in samples if sample.parent
    }
    built = build_alerts(
        pa.Table.from_pylist(records, RECORD_ARROW_SCHEMA),
        pa.Table.from_pylist(detections, DETECTION_ARROW_SCHEMA),
        rules_for(settings),
        routing_for(settings),
        settings.alerts,
        masker_for(settings),
        parents,
        raised_at,
    )
    with warehouse.transaction(), _wall_clock(raised_at):
        warehouse.records.upsert(pa.Table.from_pylist(records, RECORD_ARROW_SCHEMA), "review-demo")
        warehouse.alerts.insert(
            alerts_table(built.alerts), deliveries_table(built.deliveries), "review-demo"
        )
    return list(built.alerts)


def seed(
    warehouse: Warehouse,
    settings: Settings,
    count: int,
    now: datetime | None = None,
    spread_hours: float = 72.0,
    seed_value: int = 15,
    first_number: int = 1_000_000,
) -> list[Alert]:
    """``count`` alerts on the configured accounts, raised over the ``spread_hours`` before
    ``now`` in batches of up to 500 (a pipeline run's worth)."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed_value)
    accounts = [account.key for account in settings.accounts]
    raised: list[Alert] = []
    batch = max(1, min(500, count // 12 or 1))
    for start in range(0, count, batch):
        size = min(batch, count - start)
        moment = now - timedelta(hours=spread_hours * (1 - start / max(1, count)))
        chosen = [
            (first_number + start + offset, rng.choice(SAMPLES), rng.choice(accounts))
            for offset in range(size)
        ]
        raised.extend(raise_alerts(warehouse, settings, chosen, moment))
    return raised


@contextmanager
def serving(app: Any, port: int | None = None) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a loopback port in a thread; yield its base address."""
    import threading
    import time

    import uvicorn

    from connectors.broker import free_loopback_port

    port = port or free_loopback_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="review-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
