"""The gate every message passes: valid records round-trip, bad ones get a clear reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from schemas.errors import RecordRejected
from schemas.kafka_codec import (
    CONNECTOR_HEADER,
    MAX_MESSAGE_BYTES,
    SCHEMA_VERSION_HEADER,
    dead_letter_for,
    decode_record,
    encode_record,
    load_json_schema,
    message_shape,
    record_to_json,
)
from schemas.records import Record
from testing.synthetic import generate_records

SAMPLE = next(generate_records(1))


def sample_json(**changes: Any) -> dict[str, Any]:
    data = record_to_json(SAMPLE)
    data.update(changes)
    return data


def encoded(data: object) -> bytes:
    return json.dumps(data).encode()


def test_a_record_round_trips_through_kafka_bytes() -> None:
    message = encode_record(SAMPLE, connector="test")
    assert message.key == SAMPLE.id.encode()
    assert dict(message.headers) == {SCHEMA_VERSION_HEADER: b"1", CONNECTOR_HEADER: b"test"}
    assert decode_record(message.value, message.key) == SAMPLE


def test_encoded_records_satisfy_the_published_json_schema() -> None:
    schema = load_json_schema("record.schema.json")
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for record in generate_records(50):
        assert not list(validator.iter_errors(json.loads(encode_record(record, "t").value)))


def test_dead_letter_schema_is_valid_and_describes_a_dead_letter() -> None:
    schema = load_json_schema("dead_letter.schema.json")
    jsonschema.Draft7Validator.check_schema(schema)
    letter = dead_letter_for(
        RecordRejected("invalid_json", "value is not valid JSON"),
        topic="t",
        partition=0,
        offset=5,
        key=b"x:1",
        value=b"{oops",
    )
    payload = {field: getattr(letter, field) for field in schema["properties"]}
    jsonschema.validate(payload, schema)


def test_timestamps_are_normalised_to_utc() -> None:
    data = sample_json(created_at="2026-10-01T10:00:00+02:00")
    record = decode_record(encoded(data))
    assert record.created_at == datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


BAD_MESSAGES = [
    pytest.param(
        b'{"id": "x:1", "text": "unterminated',
        "invalid_json",
        "not valid JSON",
        id="malformed-json",
    ),
    pytest.param(b"caf\xe9 \xff", "invalid_utf8", "not valid UTF-8", id="invalid-utf8"),
    pytest.param(b"", "invalid_json", "not valid JSON", id="empty"),
    pytest.param(b"[1, 2]", "schema_violation", "expected object", id="not-an-object"),
    pytest.param(
        encoded({k: v for k, v in sample_json().items() if k != "author"}),
        "schema_violation",
        "missing field author",
        id="missing-field",
    ),
    pytest.param(
        encoded(sample_json(deleted="no")),
        "schema_violation",
        "deleted: wrong type",
        id="wrong-type",
    ),
    pytest.param(
        encoded(sample_json(kind="tweet")),
        "schema_violation",
        "kind: not one of",
        id="unknown-kind",
    ),
    pytest.param(
        encoded(sample_json(text="a" * 1_000_000)),
        "schema_violation",
        "text: must have at most 65536 characters",
        id="1MB-text",
    ),
    pytest.param(
        b"{" + b" " * MAX_MESSAGE_BYTES + b"}", "too_large", "exceeds", id="over-size-limit"
    ),
    pytest.param(
        encoded(sample_json(schema_version=2)),
        "unsupported_version",
        "not supported",
        id="future-version",
    ),
    pytest.param(
        encoded(sample_json(id="x:999")), "inconsistent", "<platform>:<native_id>", id="id-mismatch"
    ),
    pytest.param(
        encoded(sample_json(created_at="2026-02-30T00:00:00Z")),
        "inconsistent",
        "created_at",
        id="impossible-date",
    ),
    pytest.param(
        encoded(sample_json(account="other")), "inconsistent", "accounts", id="account-not-listed"
    ),
]


@pytest.mark.parametrize(("value", "reason", "detail"), BAD_MESSAGES)
def test_bad_messages_are_rejected_with_a_clear_reason(
    value: bytes, reason: str, detail: str
) -> None:
    with pytest.raises(RecordRejected) as rejected:
        decode_record(value)
    assert rejected.value.reason == reason
    assert detail in rejected.value.detail


def test_a_key_that_is_not_the_record_id_is_rejected() -> None:
    with pytest.raises(RecordRejected, match="key does not match"):
        decode_record(encoded(sample_json()), key=b"x:somethingelse")


def test_rejection_details_and_previews_never_quote_values() -> None:
    secret = "jane.doe@example.com"
    data = sample_json(kind=secret, text=secret * 3000, lang=12)
    value = encoded(data)
    with pytest.raises(RecordRejected) as rejected:
        decode_record(value)
    letter = dead_letter_for(
        rejected.value, topic="t", partition=0, offset=0, key=None, value=value
    )
    assert secret not in letter.detail
    assert secret not in letter.preview
    assert "text: str(60000)" in letter.preview


def test_preview_counts_unknown_fields_without_naming_them() -> None:
    assert (
        message_shape(b'{"id": "x:1", "jane@example.com": 1}')
        == "{id: str(3), +1 unknown field(s)}"
    )


def test_record_ids_follow_platform_and_native_id() -> None:
    assert Record.make_id("facebook", "123_456") == "facebook:123_456"


def test_a_time_in_the_future_is_rejected() -> None:
    with pytest.raises(RecordRejected, match="created_at: in the future"):
        decode_record(encoded(sample_json(created_at="2999-01-01T00:00:00Z")))
