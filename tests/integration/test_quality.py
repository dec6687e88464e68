"""The data-quality gate in `socmon process`: a bad batch is stopped, told, and reported."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from pathlib import Path

import pytest

from pipelines.quality.report import render_report
from pipelines.quality.results import DataQualityError
from pipelines.settings.privacy import DEFAULT_RECOGNIZERS
from pipelines.usecases.notify import notify
from pipelines.usecases.process import process
from pipelines.warehouse import open_warehouse
from testing.synthetic import demo_lines, generate_records, record_line
from tests.integration.helpers import count, query, replay, run_cli
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration

#: Enough records with an email that a filter without its email recognizer leaks more than a
#: few hostile records would (those are set aside one by one; this many stops the batch).
LEAKY = [
    record_line(
        dataclasses.replace(record, text=f"contact me at leaky.person{number}@example.com please")
    )
    for number, record in enumerate(generate_records(8, seed=31))
]
LEFT_MESSAGE = "personal data would be left in stored text"


def test_a_batch_leaking_email_is_not_committed_and_the_team_is_told(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    without_email = tuple(name for name in DEFAULT_RECOGNIZERS if name != "email")
    settings = make_settings(
        warehouse_kind,
        privacy={"recognizers": without_email},  # a misconfiguration the gate must catch
        operations={"email": "platform@university.example", "outbox_dir": str(tmp_path / "outbox")},
    )
    replay(settings, [*LEAKY, *demo_lines(100, seed=2)], tmp_path / "a.jsonl")

    with pytest.raises(DataQualityError) as stopped:
        process(settings)

    run_id = stopped.value.run_id
    assert count(settings, "records") == count(settings, "offsets") == 0
    [run] = query(
        settings, "SELECT status, error, records_read FROM runs WHERE run_id = ?", (run_id,)
    )
    assert run["status"] == "failed" and LEFT_MESSAGE in run["error"]
    # Known, though nothing was committed.
    assert run["records_read"] == len(LEAKY) + len(demo_lines(100, seed=2))
    notify(settings)  # the operations notice goes out with the next notifier run
    [message_file] = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(message_file.read_bytes(), policy=email.policy.default)
    assert message["To"] == "platform@university.example"
    assert run_id in message["Subject"]
    assert LEFT_MESSAGE in message.get_content()
    assert "leaky.person" not in message_file.read_text()
    with open_warehouse(settings.warehouse) as warehouse:
        html = render_report(warehouse.runs.row(run_id), warehouse.quality.results_of(run_id))
    assert "not committed: critical expectations failed" in html
    assert "FAILED" in html and "few_records_set_aside_for_personal_data_left" in html
    assert "leaky.person" not in html

    fixed = settings.model_copy(
        update={"privacy": settings.privacy.model_copy(update={"recognizers": DEFAULT_RECOGNIZERS})}
    )
    result = process(fixed)
    assert result.reconciles() and result.records_stored == len(LEAKY) + 100
    assert count(settings, "records", "text LIKE '%leaky%'") == 0


def test_the_cli_reports_a_stopped_batch_and_writes_the_html(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    without_email = tuple(name for name in DEFAULT_RECOGNIZERS if name != "email")
    settings = make_settings(privacy={"recognizers": without_email})
    replay(settings, LEAKY, tmp_path / "a.jsonl")

    completed = run_cli(settings, "process")

    assert completed.returncode == 2  # a retry would stop the same way
    assert "DataQualityError" in completed.stderr and "socmon dq report" in completed.stderr
    [failed] = query(settings, "SELECT run_id FROM runs WHERE status = 'failed'")
    run_id = failed["run_id"]
    report = tmp_path / "report.html"
    written = run_cli(settings, "dq", "report", run_id, "--output", str(report))
    assert written.returncode == 0, written.stderr
    assert LEFT_MESSAGE in report.read_text()


def test_an_account_gone_quiet_is_flagged_as_a_warning(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    records = list(generate_records(90, seed=33))  # dated October 2026, minutes apart
    replay(settings, [record_line(r) for r in records[:80]], tmp_path / "a.jsonl")
    process(settings)
    replay(settings, [record_line(r) for r in records[80:]], tmp_path / "b.jsonl")

    result = process(settings)

    quiet = {
        w.column for w in result.dq_warnings if w.expectation == "account_activity_within_usual_gap"
    }
    assert quiet == {"uni_main", "uni_research", "uni_students"}
    stored = count(
        settings, "dq_results", "suite = 'volume' AND NOT success AND run_id = ?", (result.run_id,)
    )
    assert stored == 3
    nothing_new = process(settings)  # silence matters most when nothing arrives at all
    assert nothing_new.records_read == 0
    assert {w.column for w in nothing_new.dq_warnings} == {
        "uni_main",
        "uni_research",
        "uni_students",
    }
