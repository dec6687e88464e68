"""Detections of a record's kept version are kept, in staged order; an older version's are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from pipelines.staging import DETECTION_VERSION_COLUMN, of_kept_versions

FIRST = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EDIT = FIRST + timedelta(minutes=5)


def _records(*versions: tuple[str, datetime]) -> pa.Table:
    ids, times = zip(*versions, strict=True) if versions else ((), ())
    return pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "observed_at": pa.array(times, pa.timestamp("us", tz="UTC")),
        }
    )


def _detections(*rows: tuple[str, str, datetime]) -> pa.Table:
    detection_ids, record_ids, times = zip(*rows, strict=True)
    return pa.table(
        {
            "detection_id": pa.array(detection_ids, pa.string()),
            "record_id": pa.array(record_ids, pa.string()),
            DETECTION_VERSION_COLUMN: pa.array(times, pa.timestamp("us", tz="UTC")),
        }
    )


def test_only_the_kept_versions_detections_remain_in_their_staged_order() -> None:
    records = _records(("x:2", FIRST), ("x:1", EDIT), ("x:3", FIRST))
    detections = _detections(
        ("d-a", "x:3", FIRST),
        ("d-b", "x:1", FIRST),  # raised on the version the edit replaced
        ("d-c", "x:1", EDIT),
        ("d-d", "x:2", FIRST),
        ("d-e", "x:9", FIRST),  # a record not staged at all
    )
    kept = of_kept_versions(records, detections)
    assert kept is not None
    assert kept.column_names == ["detection_id", "record_id"]
    assert kept["detection_id"].to_pylist() == ["d-a", "d-c", "d-d"]


def test_without_records_no_detection_is_kept_and_without_detections_none_come_back() -> None:
    detections = _detections(("d-a", "x:1", FIRST))
    for records in (None, _records()):
        kept = of_kept_versions(records, detections)
        assert kept is not None
        assert kept.num_rows == 0
        assert DETECTION_VERSION_COLUMN not in kept.column_names
    assert of_kept_versions(_records(("x:1", FIRST)), None) is None
