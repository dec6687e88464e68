"""What an edit does to a record's detections and alerts, inside the commit transaction.

The connector re-reads an edited post or comment under the same record id with a newer
``observed_at``; the upsert stores that version. Then, for every record whose new version
this run wrote (and only those):

* a stored detection or alert that the new version no longer raises is **superseded**: kept
  as history with ``superseded_at`` and ``superseded_by_run``. An open alert becomes
  ``superseded`` and its deliveries not yet given to the mail server are ``cancelled``; an
  alert a reviewer has given a verdict keeps its status (the stamp records that the post
  changed). Model categories are judged only when the classifiers scored the new text.
* one that still fires keeps its row unchanged (its alert was already sent on the first
  version; its evidence stays what the reviewer was shown).
* one raised again after it had been superseded is a **new** row: the id of the first
  (``sha256(record id | "alert")`` for an alert, one per record) with the version appended
  and hashed, so the superseded row stays as it was and the new alert is emailed and
  published like any other.

Detections and alerts staged from a version that is not the stored one (an older copy read
late, or a record erased on request) are left out, so they cannot bring back what an edit
superseded. A run that re-reads the stored version changes nothing, and a failed commit
leaves nothing, so a rerun gives the same result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.warehouse.connection import now
from pipelines.warehouse.records import CurrentVersions
from pipelines.warehouse.warehouse import Warehouse
from schemas.alerts import delivery_id_of


@dataclass(frozen=True)
class SettledFindings:
    """The staged findings left to insert, with the ids they get, and what was superseded."""

    detections: pa.Table | None
    alerts: pa.Table | None
    deliveries: pa.Table | None
    detections_superseded: int = 0
    alerts_superseded: int = 0


def settle_findings(
    warehouse: Warehouse,
    records: pa.Table | None,
    detections: pa.Table | None,
    alerts: pa.Table | None,
    deliveries: pa.Table | None,
    run_id: str,
) -> SettledFindings:
    """Supersede what the new versions no longer raise; return what is left to insert."""
    if records is None or not records.num_rows:
        return SettledFindings(None, None, None)
    versions = warehouse.records.current_versions(records, run_id)
    current = pa.array(sorted(versions.ids), pa.string())
    detections = _of_records(detections, current)
    alerts = _of_records(alerts, current)
    detections_superseded = alerts_superseded = 0
    if versions.rescored:
        moment = now()
        detections_superseded = warehouse.records.supersede_detections(
            versions, _or_empty(detections, ("record_id", "detector", "category")), run_id, moment
        )
        alerts_superseded = warehouse.alerts.supersede(
            versions, _or_empty(alerts, ("record_id", "rule_id")), run_id, moment
        )
    if detections is not None and detections.num_rows:
        stored = warehouse.records.detections_of(detections["record_id"].to_pylist())
        detections = _with_ids(
            detections, "detection_id", ("record_id", "detector", "category"), stored, versions
        )
    if alerts is not None and alerts.num_rows:
        stored = warehouse.alerts.alerts_of(alerts["record_id"].to_pylist())
        before = alerts["alert_id"].to_pylist()
        alerts = _with_ids(alerts, "alert_id", ("record_id",), stored, versions)
        renamed = dict(zip(before, alerts["alert_id"].to_pylist(), strict=True))
        deliveries = _deliveries_of(deliveries, renamed)
    else:
        deliveries = None
    return SettledFindings(detections, alerts, deliveries, detections_superseded, alerts_superseded)


def reraised_id(first_id: str, version: datetime) -> str:
    """The id of a finding raised again, on ``version`` of its record, after it was superseded."""
    return hashlib.sha256(f"{first_id}|{version.astimezone(UTC).isoformat()}".encode()).hexdigest()


def assign_ids(
    staged: Sequence[tuple[str, tuple[Any, ...], datetime]],
    stored: Iterable[tuple[str, tuple[Any, ...], bool]],
) -> list[str]:
    """The id each staged finding is stored under.

    ``staged`` is (first id, natural key, record version) per row; ``stored`` is (id, natural
    key, live) of what the warehouse holds. A key with a live row keeps that row (inserting
    it again changes nothing); a key whose first id is taken by superseded rows only is raised
    again under a new id; anything else keeps its first id.
    """
    live: dict[tuple[Any, ...], str] = {}
    taken: set[str] = set()
    for finding_id, key, is_live in stored:
        taken.add(finding_id)
        if is_live:
            live[key] = finding_id
    return [
        live.get(key) or (reraised_id(first, version) if first in taken else first)
        for first, key, version in staged
    ]


def _with_ids(
    table: pa.Table,
    id_column: str,
    key_columns: Sequence[str],
    stored: Sequence[Mapping[str, Any]],
    versions: CurrentVersions,
) -> pa.Table:
    keys = list(zip(*(table[name].to_pylist() for name in key_columns), strict=True))
    staged = list(
        zip(
            table[id_column].to_pylist(),
            keys,
            versions.versions_of(table["record_id"].to_pylist()),
            strict=True,
        )
    )
    known = [
        (row[id_column], tuple(row[name] for name in key_columns), bool(row["live"]))
        for row in stored
    ]
    ids = pa.array(assign_ids(staged, known), pa.string())
    return table.set_column(table.schema.get_field_index(id_column), id_column, ids)


def _deliveries_of(deliveries: pa.Table | None, renamed: Mapping[str, str]) -> pa.Table | None:
    """The deliveries of the alerts kept, under their alerts' ids (each recipient once)."""
    if deliveries is None or not deliveries.num_rows:
        return deliveries
    kept = deliveries.filter(pc.is_in(deliveries["alert_id"], pa.array(list(renamed), pa.string())))
    alert_ids = [renamed[alert_id] for alert_id in kept["alert_id"].to_pylist()]
    delivery_ids = [
        delivery_id_of(alert_id, recipient)
        for alert_id, recipient in zip(alert_ids, kept["recipient"].to_pylist(), strict=True)
    ]
    kept = kept.set_column(
        kept.schema.get_field_index("alert_id"), "alert_id", pa.array(alert_ids, pa.string())
    )
    return kept.set_column(
        kept.schema.get_field_index("delivery_id"),
        "delivery_id",
        pa.array(delivery_ids, pa.string()),
    )


def _of_records(table: pa.Table | None, record_ids: pa.Array) -> pa.Table | None:
    """Rows of ``table`` about these records only."""
    if table is None or not table.num_rows:
        return table
    return table.filter(pc.is_in(table["record_id"], value_set=record_ids))


def _or_empty(table: pa.Table | None, columns: Sequence[str]) -> pa.Table:
    """These columns of ``table``, or an empty table of strings with them."""
    if table is None:
        return pa.table({name: pa.array([], pa.string()) for name in columns})
    return table.select(list(columns))
