"""Conversion between records and Kafka messages, and validation of what comes in.

Every message on ``socmon.records.v1`` is the UTF-8 JSON of one record,
keyed by the record id, with headers naming the schema version and the
connector that produced it. :func:`decode_record` is the one gate a message
passes to become a :class:`~schemas.records.Record`; anything it rejects
raises :class:`~schemas.errors.RecordRejected` with a stable reason code and
a sentence that describes the problem without quoting the message's values
(they may hold personal data).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any, cast

import jsonschema_rs
import orjson

from schemas import RECORD_SCHEMA_VERSION
from schemas.errors import RecordRejected
from schemas.records import Author, DeadLetter, Record

#: Messages above this size are rejected before they are parsed. The schema
#: caps text at 64 Ki characters; even fully escaped that stays below 1 MiB.
MAX_MESSAGE_BYTES = 1 << 20

SCHEMA_VERSION_HEADER = "schema_version"
CONNECTOR_HEADER = "connector"


@dataclass(frozen=True, slots=True)
class KafkaMessage:
    """What a producer sends: key, value and headers, all bytes."""

    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def load_json_schema(name: str) -> dict[str, Any]:
    """Load one of the JSON Schema files shipped in this package."""
    text = resources.files("schemas").joinpath(name).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


@cache
def _record_validator() -> Any:
    # jsonschema-rs validates a parsed record in about 1.5 µs (fastjsonschema: 7 µs),
    # which matters at tens of thousands of records per second.
    return jsonschema_rs.validator_for(load_json_schema("record.schema.json"))


def record_to_json(record: Record) -> dict[str, Any]:
    """The JSON form of a record, as the schema describes it."""
    return {
        "id": record.id,
        "platform": record.platform,
        "kind": record.kind,
        "account": record.account,
        "accounts": list(record.accounts),
        "native_id": record.native_id,
        "parent_id": record.parent_id,
        "conversation_id": record.conversation_id,
        "author": {
            "id": record.author.id,
            "handle": record.author.handle,
            "is_official": record.author.is_official,
        },
        "text": record.text,
        "lang": record.lang,
        "created_at": _format_timestamp(record.created_at),
        "observed_at": _format_timestamp(record.observed_at),
        "url": record.url,
        "deleted": record.deleted,
        "schema_version": record.schema_version,
    }


def encode_record(record: Record, connector: str) -> KafkaMessage:
    """Turn a record into the message a connector produces."""
    value = json.dumps(record_to_json(record), ensure_ascii=False, separators=(",", ":"))
    return KafkaMessage(
        key=record.id.encode("utf-8"),
        value=value.encode("utf-8"),
        headers=(
            (SCHEMA_VERSION_HEADER, str(record.schema_version).encode("ascii")),
            (CONNECTOR_HEADER, connector.encode("utf-8")),
        ),
    )


def decode_record(value: bytes | None, key: bytes | None = None) -> Record:
    """Parse and validate one message value; raise ``RecordRejected`` if it is not a record."""
    if value is None:
        raise RecordRejected("invalid_json", "message has no value (null)")
    if len(value) > MAX_MESSAGE_BYTES:
        raise RecordRejected(
            "too_large", f"message of {len(value)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit"
        )
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise _parse_failure(value, error) from None
    if isinstance(data, dict) and data.get("schema_version") not in (None, RECORD_SCHEMA_VERSION):
        raise RecordRejected(
            "unsupported_version",
            f"schema_version {str(data.get('schema_version'))[:20]!r} is not supported "
            f"(this build reads {RECORD_SCHEMA_VERSION})",
        )
    validator = _record_validator()
    if not validator.is_valid(data):
        raise RecordRejected("schema_violation", _describe_violations(validator, data))
    return _record_from_valid_json(data, key)


def _record_from_valid_json(data: dict[str, Any], key: bytes | None) -> Record:
    record_id: str = data["id"]
    platform = data["platform"]
    if record_id != f"{platform}:{data['native_id']}":
        raise RecordRejected("inconsistent", "id is not '<platform>:<native_id>'")
    if key is not None and key != record_id.encode("utf-8"):
        raise RecordRejected("inconsistent", "message key does not match the record id")
    if data["account"] not in data["accounts"]:
        raise RecordRejected("inconsistent", "account is not listed in accounts")
    author = data["author"]
    _refuse_nul(data)
    return Record(
        id=record_id,
        platform=platform,
        kind=data["kind"],
        account=data["account"],
        accounts=tuple(data["accounts"]),
        native_id=data["native_id"],
        parent_id=data["parent_id"],
        conversation_id=data["conversation_id"],
        author=Author(id=author["id"], handle=author["handle"], is_official=author["is_official"]),
        # NUL means nothing in a post and PostgreSQL cannot store it: shown as U+FFFD.
        text=data["text"].replace("\x00", "\ufffd"),
        lang=data["lang"],
        created_at=_checked_time(_parse_timestamp(data["created_at"], "created_at"), "created_at"),
        observed_at=_checked_time(
            _parse_timestamp(data["observed_at"], "observed_at"), "observed_at"
        ),
        url=data["url"],
        deleted=data["deleted"],
        schema_version=data["schema_version"],
    )


def dead_letter_for(
    error: RecordRejected,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
) -> DeadLetter:
    """Describe a rejected message without keeping its bytes."""
    raw = value or b""
    return DeadLetter(
        topic=topic,
        kafka_partition=partition,
        kafka_offset=offset,
        # A malformed record's key may be anything, an email address included: keep a digest.
        kafka_key=None if key is None else "sha256:" + hashlib.sha256(key).hexdigest(),
        reason=error.reason,
        detail=error.detail[:500],
        value_sha256=hashlib.sha256(raw).hexdigest(),
        value_size=len(raw),
        preview=message_shape(raw),
    )


def message_shape(value: bytes) -> str:
    """A preview that shows a message's structure but none of its values.

    Field names that the record schema knows are shown with the type and
    length of their value; unknown names are only counted, since a stray key
    could itself be personal data.
    """
    if len(value) > MAX_MESSAGE_BYTES:
        return f"<{len(value)} bytes, not parsed>"
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return f"<{len(value)} bytes, not JSON>"
    if not isinstance(data, dict):
        return f"<JSON {type(data).__name__}>"
    known = set(load_json_schema_properties())
    parts = [f"{name}: {_shape_of(item)}" for name, item in data.items() if name in known]
    unknown = sum(1 for name in data if name not in known)
    if unknown:
        parts.append(f"+{unknown} unknown field(s)")
    return ("{" + ", ".join(parts) + "}")[:500]


@cache
def load_json_schema_properties() -> tuple[str, ...]:
    """Names of the top-level fields of a record."""
    return tuple(load_json_schema("record.schema.json")["properties"])


def _shape_of(item: object) -> str:
    if isinstance(item, str):
        return f"str({len(item)})"
    if isinstance(item, dict):
        return f"object({len(item)} keys)"
    if isinstance(item, list):
        return f"array({len(item)})"
    if item is None:
        return "null"
    return type(item).__name__


def _parse_failure(value: bytes, error: orjson.JSONDecodeError) -> RecordRejected:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as bad_bytes:
        return RecordRejected(
            "invalid_utf8", f"value is not valid UTF-8 (bad byte at position {bad_bytes.start})"
        )
    return RecordRejected(
        "invalid_json", f"value is not valid JSON: {error.msg} at position {error.pos}"
    )


def _describe_violations(validator: Any, data: object) -> str:
    """Say which fields break which rule, naming limits from the schema but never the values."""
    problems = []
    try:
        for error in validator.iter_errors(data):
            where = ".".join(str(part) for part in error.instance_path) or "record"
            problems.append(f"{where}: {_rule_broken(error.kind.name, error.kind.as_dict())}")
            if len(problems) == 5:
                break
    except ValueError:
        # jsonschema-rs stops listing errors at its recursion limit, reached by a few hundred
        # levels of nesting that orjson still parses; is_valid() has already said no.
        problems.append("record: nested too deeply to list what is wrong")
    return "; ".join(problems)[:500]


def _rule_broken(keyword: str, facts: dict[str, Any]) -> str:
    if keyword == "required":
        return f"missing field {facts.get('property')}"
    if keyword == "type":
        return f"wrong type (expected {' or '.join(facts.get('types', []))})"
    if keyword == "enum":
        return f"not one of {', '.join(map(str, facts.get('options', [])))}"
    if keyword == "constant":
        return "not the expected constant"
    if keyword in ("maxLength", "minLength", "maxItems", "minItems"):
        bound = "at most" if keyword.startswith("max") else "at least"
        unit = "characters" if keyword.endswith("Length") else "items"
        return f"must have {bound} {facts.get('limit')} {unit}"
    if keyword == "pattern":
        return "does not have the expected form"
    if keyword == "additionalProperties":
        return f"{len(facts.get('unexpected', []))} unknown field(s)"
    if keyword == "uniqueItems":
        return "items must be unique"
    return f"breaks the '{keyword}' rule"


#: The string fields besides the text, which must be stored exactly as they are.
_EXACT_FIELDS = ("id", "native_id", "parent_id", "conversation_id", "lang", "url", "account")


def _refuse_nul(data: dict[str, Any]) -> None:
    values = [(name, data.get(name)) for name in _EXACT_FIELDS]
    values += [(f"author.{name}", data["author"].get(name)) for name in ("id", "handle")]
    values += [("accounts", account) for account in data["accounts"]]
    for name, value in values:
        if isinstance(value, str) and "\x00" in value:
            raise RecordRejected(
                "unstorable_value", f"field {name}: a NUL character, which PostgreSQL cannot store"
            )


def _parse_timestamp(text: str, field_name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.astimezone(UTC)
    except ValueError:
        raise RecordRejected("inconsistent", f"field {field_name}: not a valid date-time") from None
    except OverflowError:  # year 1 or 9999 shifted out of range by its offset
        raise RecordRejected(
            "implausible_time", f"field {field_name}: outside the years a record can have"
        ) from None


#: Clocks drift; a day ahead is the most a real item can seem to come from the future.
MAX_CLOCK_SKEW = timedelta(days=1)


#: The first post on X was published in March 2006: nothing we monitor is older.
EARLIEST_PLAUSIBLE = datetime(2006, 3, 1, tzinfo=UTC)


def _checked_time(moment: datetime, field_name: str) -> datetime:
    if moment > datetime.now(UTC) + MAX_CLOCK_SKEW:
        raise RecordRejected("inconsistent", f"field {field_name}: in the future")
    if moment < EARLIEST_PLAUSIBLE:
        # Set aside here, one record, rather than stopping the batch at the gate.
        raise RecordRejected("implausible_time", f"field {field_name}: before March 2006")
    return moment


def _format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
