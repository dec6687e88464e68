"""Issue 12: every bad input is one line, and nothing good is lost.

Named regressions for what was seen: a lone surrogate or deep nesting emptied
`socmon classify`'s output, stopped `socmon redact` and crashed `socmon ingest
--replay`; a line over 4 MB crashed the replay; a missing or unwritable output
folder, `--output` equal to `--input`, a non-UTF-8 config, a bad
``student_id_pattern`` and an unreachable Kafka each ended in a traceback (or,
for `--output == --input`, an emptied input and exit 0). Each now gives the
exit code of the convention (1 failure, 2 bad usage or config), one line on
stderr without a traceback, and keeps every good line.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from classifiers.model_set import ClassifierSet
from connectors.replay import ReplayConnector
from pipelines.privacy.detector import PiiDetector
from pipelines.settings.privacy import PrivacySettings
from pipelines.usecases.classify import classify_lines
from pipelines.usecases.process import process
from pipelines.usecases.redact import redact_stream
from schemas.errors import RecordRejected
from schemas.json_lines import MAX_LINE_BYTES
from schemas.kafka_codec import decode_record, message_shape
from testing.synthetic import generate_records, record_line
from tests.integration.helpers import query, read_topic, run_cli
from tests.support import SettingsFactory

GOOD_BEFORE = b'{"id": "good-1", "text": "Thanks for the open day, see you in September"}'
GOOD_AFTER = b'{"id": "good-2", "text": "mail me at amelia.h@example.com"}'

#: Each hostile line as it was reported, by name; every one is refused in its place.
HOSTILE_LINES = {
    "lone_surrogate_value": b'"\\ud800"',
    "lone_surrogate_in_text": b'{"id": "s1", "text": "before \\ud800 after"}',
    "lone_surrogate_in_id": b'{"id": "\\udc00", "text": "hello"}',
    "lone_surrogate_in_a_key": b'{"id": "s3", "text": "hello", "\\ud800": 1}',
    "deep_nesting": b"[" * 100_000,
    "deep_nesting_in_an_object": b'{"id": "d", "text": "t", "x": ' + b"[" * 100_000 + b"}",
    # Parses (orjson allows 1,024 levels) but the schema validator's error listing gives up.
    "deep_nesting_that_parses": b"[" * 500 + b"]" * 500,
    "five_megabytes": b'{"id": "big", "text": "' + b"a" * 5_000_000 + b'"}',
    "text_longer_than_a_record": b'{"id": "long", "text": "' + b"a" * 70_000 + b'"}',
    "raw_nul": b'{"id": "n", "text": "a\x00b"}',
    "not_utf8": b'{"id": "u", "text": "caf\xe9 \xff\xfe"}',
    "nan": b'{"id": NaN, "text": "x"}',
    "huge_integer": b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
}


@pytest.fixture(scope="module")
def shipped() -> ClassifierSet:
    return ClassifierSet.load()


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector(PrivacySettings())


def socmon(*args: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """``socmon`` in a subprocess, in a folder without a socmon.toml (defaults)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOCMON_")}
    env["SOCMON_PRIVACY__PSEUDONYM_KEY"] = os.environ["SOCMON_PRIVACY__PSEUDONYM_KEY"]
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**env, **environment},
    )


def assert_one_line(completed: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The exit code, exactly one line on stderr, no traceback; returns the line."""
    assert completed.returncode == code, completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert lines[0].startswith("socmon: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


def with_neighbours(hostile: bytes) -> io.BytesIO:
    return io.BytesIO(b"\n".join([GOOD_BEFORE, hostile, GOOD_AFTER]) + b"\n")


# --- the file commands: one error line in place, the good lines on either side kept ---


@pytest.mark.parametrize("name", HOSTILE_LINES)
def test_redact_refuses_the_hostile_line_in_place_and_keeps_its_neighbours(
    name: str, detector: PiiDetector
) -> None:
    target = io.StringIO()
    assert redact_stream(with_neighbours(HOSTILE_LINES[name]), target, detector) == (3, 1)
    first, refused, last = map(json.loads, target.getvalue().splitlines())
    assert first == {"id": "good-1", "text": json.loads(GOOD_BEFORE)["text"], "entities": []}
    assert refused["line"] == 2 and refused["error"]
    assert set(refused) == {"line", "error"}
    assert last["id"] == "good-2" and last["text"] == "mail me at <EMAIL>"


@pytest.mark.parametrize("name", HOSTILE_LINES)
def test_classify_refuses_the_hostile_line_in_place_and_keeps_its_neighbours(
    name: str, shipped: ClassifierSet
) -> None:
    target = io.StringIO()
    counts = classify_lines(with_neighbours(HOSTILE_LINES[name]), target, shipped)
    assert (counts.classified, counts.errors) == (2, 1)
    first, refused, last = map(json.loads, target.getvalue().splitlines())
    assert first["id"] == "good-1" and set(first["scores"]) >= {"offensive", "threat"}
    assert set(refused) == {"line", "error"} and refused["line"] == 2
    assert last["id"] == "good-2"


def test_the_reasons_say_what_is_wrong_without_quoting_the_line(detector: PiiDetector) -> None:
    expected = {
        "lone_surrogate_in_text": "lone surrogate",
        "deep_nesting": "nested too deeply",
        "five_megabytes": "longer than the 1048576-byte limit",
        "text_longer_than_a_record": "more than the 65536",
        "raw_nul": "not valid JSON",
        "not_utf8": "not valid UTF-8",
        "nan": "NaN is not a JSON value",
        "huge_integer": "integer string conversion",
    }
    for name, phrase in expected.items():
        target = io.StringIO()
        redact_stream(with_neighbours(HOSTILE_LINES[name]), target, detector)
        error = json.loads(target.getvalue().splitlines()[1])["error"]
        assert phrase in error, (name, error)
        assert "caf" not in error and "hello" not in error


def test_an_escaped_nul_and_a_surrogate_pair_are_good_text(detector: PiiDetector) -> None:
    lines = [b'{"id": 1, "text": "a\\u0000b"}', b'{"id": 2, "text": "\\ud83c\\udf93 grad"}']
    target = io.StringIO()
    assert redact_stream(io.BytesIO(b"\n".join(lines)), target, detector) == (2, 0)
    outputs = [json.loads(line) for line in target.getvalue().splitlines()]
    assert [item["text"] for item in outputs] == ["a\x00b", "🎓 grad"]


@pytest.mark.parametrize("command", ["redact", "classify"])
def test_the_commands_keep_every_good_line_of_a_hostile_file_and_exit_1(
    tmp_path: Path, command: str
) -> None:
    lines = [GOOD_BEFORE, *HOSTILE_LINES.values(), GOOD_AFTER]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    completed = socmon(command, "--input", str(source), "--output", str(target), cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    output = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(output) == len(lines)
    assert [item.get("id") for item in (output[0], output[-1])] == ["good-1", "good-2"]
    assert [item["line"] for item in output[1:-1]] == list(range(2, len(lines)))


# --- paths, configuration and the broker: one line, the convention's exit code ---


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_output_equal_to_input_is_refused_and_the_input_kept(tmp_path: Path, spelling: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    output = {"same": source, "dotted": tmp_path / "." / "in.jsonl", "symlink": tmp_path / "ln"}
    if spelling == "symlink":
        output["symlink"].symlink_to(source)
    completed = socmon(
        "redact", "--input", str(source), "--output", str(output[spelling]), cwd=tmp_path
    )
    assert_one_line(completed, 2, "is the input file")
    assert source.read_bytes() == GOOD_BEFORE + b"\n"


@pytest.mark.parametrize("command", ["redact", "classify"])
def test_a_missing_output_folder_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    missing = tmp_path / "no-such-folder" / "out.jsonl"
    completed = socmon(command, "--input", str(source), "--output", str(missing), cwd=tmp_path)
    assert_one_line(completed, 2, "does not exist")


def test_an_output_under_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    completed = socmon(
        "redact", "--input", str(source), "--output", str(source / "out.jsonl"), cwd=tmp_path
    )
    assert_one_line(completed, 2, "is not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_an_unwritable_output_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source, folder = tmp_path / "in.jsonl", tmp_path / "locked"
    source.write_bytes(GOOD_BEFORE + b"\n")
    folder.mkdir(mode=0o555)
    completed = socmon(
        "redact", "--input", str(source), "--output", str(folder / "out.jsonl"), cwd=tmp_path
    )
    assert_one_line(completed, 2, "cannot be written")


def test_a_non_utf8_config_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    (tmp_path / "socmon.toml").write_bytes(b'[privacy]\nallow_list = ["caf\xe9"]\n')
    completed = socmon(
        "redact", "--input", str(source), "--output", str(tmp_path / "o.jsonl"), cwd=tmp_path
    )
    assert_one_line(completed, 2, "socmon.toml", "not UTF-8")


@pytest.mark.parametrize("pattern", ["([0-9]", "\\", "a{4294967296}", "(" * 5000 + ")" * 5000])
def test_a_bad_student_id_pattern_is_refused_when_the_settings_are_read(pattern: str) -> None:
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        PrivacySettings(student_id_pattern=pattern)


def test_a_bad_student_id_pattern_is_one_line_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    (tmp_path / "socmon.toml").write_text('[privacy]\nstudent_id_pattern = "([0-9]"\n')
    completed = socmon(
        "redact", "--input", str(source), "--output", str(tmp_path / "o.jsonl"), cwd=tmp_path
    )
    assert_one_line(completed, 2, "privacy.student_id_pattern", "not a valid regular expression")
    assert not (tmp_path / "o.jsonl").exists()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_kafka_is_one_line_and_exit_1_within_the_connect_timeout(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD_BEFORE + b"\n")
    address = f"127.0.0.1:{closed_port()}"
    environment = {
        "SOCMON_KAFKA__BOOTSTRAP_SERVERS": address,
        "SOCMON_KAFKA__CONNECT_TIMEOUT_MS": "1000",
        "SOCMON_CONNECTORS__ENABLED": '["replay"]',
        "SOCMON_WAREHOUSE__URL": f"duckdb:///{tmp_path / 'warehouse.duckdb'}",
    }
    assert socmon("migrate", cwd=tmp_path, **environment).returncode == 0
    started = time.monotonic()
    completed = socmon(
        "--log-level", "WARNING", "ingest", "--replay", str(source), cwd=tmp_path, **environment
    )
    assert_one_line(completed, 1, f"Kafka at {address} is unreachable")
    assert time.monotonic() - started < 15


# --- the pipeline's gate: the same records are rejected with a reason, nothing else ---


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("lone_surrogate_in_id", "invalid_json"),
        ("deep_nesting", "invalid_json"),
        ("deep_nesting_that_parses", "schema_violation"),
        ("five_megabytes", "too_large"),
        ("raw_nul", "invalid_json"),
        ("not_utf8", "invalid_utf8"),
    ],
)
def test_the_record_decoder_rejects_each_with_its_reason(name: str, reason: str) -> None:
    with pytest.raises(RecordRejected) as rejected:
        decode_record(HOSTILE_LINES[name])
    assert rejected.value.reason == reason and rejected.value.detail
    assert message_shape(HOSTILE_LINES[name])


# --- the replay connector: hostile lines travel as they are, an oversized one is dead-lettered ---


def test_replay_sends_hostile_lines_as_they_are_and_dead_letters_an_oversized_one(
    tmp_path: Path,
) -> None:
    good = [record_line(record) for record in generate_records(2)]
    hostile = {name: line for name, line in HOSTILE_LINES.items() if name != "five_megabytes"}
    oversized = HOSTILE_LINES["five_megabytes"]
    path = tmp_path / "replay.jsonl"
    path.write_bytes(b"\n".join([good[0], *hostile.values(), oversized, good[1]]) + b"\n")

    connector = ReplayConnector([path])
    messages = [message for batch in connector.fetch(None) for message in batch.messages]
    assert [message.value for message in messages] == [good[0], *hostile.values(), good[1]]
    assert messages[0].key == json.loads(good[0])["id"].encode()
    keys = {name: message.key for name, message in zip(hostile, messages[1:-1], strict=True)}
    # Only the merely too long text parses (as the pipeline parses) to an object with an id.
    assert keys == {name: b"long" if name == "text_longer_than_a_record" else None for name in keys}
    [letter] = connector.dead_letters()
    headers = dict(letter.headers)
    assert letter.value == b"" and len(oversized) > MAX_LINE_BYTES
    assert headers["reason"] == b"too_large"
    assert headers["source_line"] == str(2 + len(hostile)).encode()
    assert headers["value_size"] == str(len(oversized)).encode()
    assert headers["source_file"] == str(path).encode()


@pytest.mark.integration
def test_ingest_delivers_every_good_line_of_a_hostile_replay_file(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    good = [record_line(record) for record in generate_records(3)]
    hostile = [line for name, line in HOSTILE_LINES.items() if name != "five_megabytes"]
    path = tmp_path / "replay.jsonl"
    lines = [good[0], *hostile, HOSTILE_LINES["five_megabytes"], good[1], good[2]]
    path.write_bytes(b"\n".join(lines) + b"\n")

    completed = run_cli(settings, "--log-level", "WARNING", "ingest", "--replay", str(path))
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    assert f"delivered {len(good) + len(hostile)} message(s)" in completed.stdout
    assert "1 item(s) could not be sent as records" in completed.stderr

    delivered = read_topic(settings, settings.kafka.records_topic.name)
    assert sorted(message.value for message in delivered) == sorted(good + hostile)
    [letter] = read_topic(settings, settings.kafka.deadletter_topic.name)
    assert dict(letter.headers)["reason"] == b"too_large"

    # Downstream, every delivered line is stored or a dead letter with its reason.
    result = process(settings)
    assert (result.records_stored, result.dead_letters) == (len(good), len(hostile))
    reasons = query(settings, "SELECT reason FROM dead_letters")
    assert len(reasons) == len(hostile) and all(row["reason"] for row in reasons)
