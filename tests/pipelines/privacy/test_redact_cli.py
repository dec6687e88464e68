"""The `socmon redact` contract: one output line per input line, offsets into the original."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_redact(tmp_path: Path, lines: list[bytes]) -> tuple[int, list[dict[str, Any]]]:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "redact",
            "--input",
            str(source),
            "--output",
            str(target),
        ],
        capture_output=True,
        timeout=120,
        cwd=tmp_path,  # no socmon.toml here: defaults
    )
    output = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    return completed.returncode, output


def test_good_lines_are_redacted_with_offsets_into_the_original(tmp_path: Path) -> None:
    text = "Hi, I'm Amelia Hughes: amelia.h@example.com / 07700 900123 🎓"
    code, output = run_redact(
        tmp_path, [json.dumps({"id": "a", "text": text, "extra": 1}).encode()]
    )
    assert code == 0
    [item] = output
    assert item["id"] == "a"
    assert item["text"] == "Hi, I'm <PERSON>: <EMAIL> / <PHONE> 🎓"
    spans = [(e["type"], text[e["start"] : e["end"]]) for e in item["entities"]]
    assert spans == [
        ("PERSON", "Amelia Hughes"),
        ("EMAIL", "amelia.h@example.com"),
        ("PHONE", "07700 900123"),
    ]


def test_bad_lines_are_reported_in_place_and_the_command_exits_1(tmp_path: Path) -> None:
    lines = [
        b'{"id": 1, "text": "nothing personal"}',
        b"{broken",
        b'{"id": 3}',
        b'{"id": 4, "text": 12}',
        b"\xff\xfe",
        b"[1]",
        b'{"id": 7, "text": "mail x@example.com"}',
    ]
    code, output = run_redact(tmp_path, lines)
    assert code == 1
    assert len(output) == len(lines)
    assert output[0] == {"id": 1, "text": "nothing personal", "entities": []}
    assert [item.get("line") for item in output[1:6]] == [2, 3, 4, 5, 6]
    assert all("error" in item for item in output[1:6])
    assert output[6]["text"] == "mail <EMAIL>"
