"""`socmon status` and each tick's Prometheus metrics, after real ticks on the test broker.

The figures are checked against the warehouse's own rows (read through the tests' own
connection) and against what was replayed, so a wrong count or a stale lag fails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result
from prometheus_client.parser import text_string_to_metric_families

from pipelines.cli.status import status
from pipelines.config import Settings
from pipelines.usecases.tick import TickResult, run_tick
from pipelines.warehouse.status import WarehouseMissing
from testing.simulators import SeedPlan, Simulators
from testing.synthetic import demo_lines
from tests.integration.helpers import query, replay, settings_environment
from tests.support import SettingsFactory, simulated_accounts

pytestmark = pytest.mark.integration


def tick(settings: Settings, tmp_path: Path, lines: int = 80, seed: int = 5) -> TickResult:
    """One `socmon run` replaying ``lines`` demo lines (some malformed: dead letters)."""
    source = tmp_path / f"replay-{seed}.jsonl"
    source.write_bytes(b"\n".join(demo_lines(lines, seed=seed)) + b"\n")
    with_files = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"replay_files": (source,)})}
    )
    return run_tick(with_files)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text by (name, sorted labels)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value_of(found: dict[Any, float], name: str) -> float | None:
    """The value of an unlabelled metric, None if it is absent."""
    return found.get((name, ()))


def by_label(found: dict[Any, float], name: str, label: str) -> dict[str, float]:
    return {
        dict(labels)[label]: value for (metric, labels), value in found.items() if metric == name
    }


def test_the_metrics_file_after_a_tick_parses_and_carries_the_runs_counts(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    metrics_file = tmp_path / "textfile" / "socmon.prom"
    settings = make_settings(warehouse_kind, operations={"metrics_file": str(metrics_file)})

    result = tick(settings, tmp_path)

    found = samples(metrics_file.read_text(encoding="utf-8"))
    [run] = query(settings, "SELECT * FROM runs WHERE run_id = ?", (result.process.run_id,))
    records = by_label(found, "socmon_run_records", "outcome")
    assert records["read"] == run["records_read"] > 0
    assert records["stored"] == run["records_stored"] > 0
    assert records["duplicates"] == run["duplicates"]
    assert records["out_of_scope"] == run["out_of_scope"]
    assert records["dead_letters"] == run["dead_letters"] > 0
    assert records["alerts_raised"] == run["alerts_raised"]
    assert by_label(found, "socmon_run_ingested_messages", "connector") == {
        "replay": result.ingest.total
    }
    assert set(by_label(found, "socmon_run_stage_duration_seconds", "stage")) == {
        "ingest",
        "process",
        "notify",
    }
    assert all(
        v > 0 for v in by_label(found, "socmon_run_stage_duration_seconds", "stage").values()
    )
    # Everything delivered was processed: no partition of the records topic is behind.
    lag = by_label(found, "socmon_consumer_lag_messages", "partition")
    assert lag == {"0": 0, "1": 0, "2": 0}
    [[pending]] = [
        [row["n"]]
        for row in query(
            settings,
            "SELECT count(*) AS n FROM alert_deliveries WHERE status = 'pending' "
            "AND last_error IS NULL",
        )
    ]
    assert by_label(found, "socmon_delivery_backlog", "state")["pending"] == pending
    assert by_label(found, "socmon_last_run_info", "run_id") == {result.process.run_id: 1}
    assert not list(metrics_file.parent.glob("*.tmp*"))  # written beside, then renamed


def test_a_failed_tick_says_so_and_keeps_the_last_success(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    metrics_file = tmp_path / "textfile" / "socmon.prom"
    settings = make_settings(operations={"metrics_file": str(metrics_file)})
    tick(settings, tmp_path, lines=30)
    after_success = samples(metrics_file.read_text(encoding="utf-8"))
    last_success = value_of(after_success, "socmon_last_success_timestamp_seconds")
    assert last_success is not None
    assert value_of(after_success, "socmon_last_run_succeeded") == 1.0

    source = tmp_path / "replay-more.jsonl"
    source.write_bytes(b"\n".join(demo_lines(30, seed=8)) + b"\n")
    with_files = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"replay_files": (source,)})}
    )
    with pytest.raises(Exception, match="NoSuchRunner"):
        run_tick(with_files, ["--runner=NoSuchRunner"])

    found = samples(metrics_file.read_text(encoding="utf-8"))
    assert value_of(found, "socmon_last_run_succeeded") == 0.0
    assert value_of(found, "socmon_last_success_timestamp_seconds") == last_success
    failed_at = value_of(found, "socmon_last_run_timestamp_seconds")
    assert failed_at is not None and failed_at > last_success
    delivered = by_label(found, "socmon_run_ingested_messages", "connector")
    assert set(delivered) == {"replay"} and delivered["replay"] > 0
    assert set(by_label(found, "socmon_run_stage_duration_seconds", "stage")) == {
        "ingest",
        "process",
    }
    # The records it delivered wait in the topic for the next tick.
    lag = by_label(found, "socmon_consumer_lag_messages", "partition")
    assert sum(lag.values()) == delivered["replay"]


class _Pushgateway(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(("PUT", self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def pushgateway() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Pushgateway,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_tick_pushes_the_same_figures_to_a_pushgateway(
    make_settings: SettingsFactory,
    tmp_path: Path,
    pushgateway: tuple[str, list[tuple[str, str, bytes]]],
) -> None:
    url, received = pushgateway
    settings = make_settings(operations={"pushgateway_url": url})

    result = tick(settings, tmp_path, lines=30)

    [(method, path, body)] = received
    assert (method, path) == ("PUT", "/metrics/job/socmon")
    records = by_label(samples(body.decode()), "socmon_run_records", "outcome")
    assert records["read"] == result.process.records_read
    assert records["stored"] == result.process.records_stored


def test_an_unreachable_pushgateway_does_not_fail_the_tick(
    make_settings: SettingsFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from connectors.broker import free_loopback_port

    url = f"http://127.0.0.1:{free_loopback_port()}"
    settings = make_settings(operations={"pushgateway_url": url})

    result = tick(settings, tmp_path, lines=30)

    assert result.process.records_read > 0
    assert "not pushed to the Pushgateway" in caplog.text


def run_status(settings: Settings, tmp_path: Path, *args: str) -> Result:
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    return CliRunner().invoke(
        status, list(args), obj={"config": config}, env=settings_environment(settings)
    )


def test_status_json_shows_runs_lag_coverage_deliveries_open_alerts_and_problems(
    make_settings: SettingsFactory, warehouse_kind: str, tmp_path: Path
) -> None:
    with Simulators(simulated_accounts(), SeedPlan(posts_per_account=2)) as simulators:
        connectors = {
            **simulators.connector_settings(),
            "enabled": ["twitter", "facebook", "replay"],
        }
        settings = make_settings(warehouse_kind, connectors=connectors)
        simulators.x_api.expire(simulators.account("uni_research").token)
        first = tick(settings, tmp_path)
    # Delivered but not processed: the lag the next run will read.
    replay_only = settings.connectors.model_copy(update={"enabled": ("replay",)})
    waiting = replay(
        settings.model_copy(update={"connectors": replay_only}),
        demo_lines(25, seed=9),
        tmp_path / "later.jsonl",
    )

    result = run_status(settings, tmp_path, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [latest, *_] = report["runs"]
    assert latest["run_id"] == first.process.run_id
    assert latest["status"] == "succeeded"
    assert latest["records_read"] == first.process.records_read
    assert latest["duration_s"] > 0
    assert latest["started_at"].endswith("+00:00")  # ISO 8601 with its offset
    partitions = report["consumer_lag"]["partitions"]
    assert [p["partition"] for p in partitions] == [0, 1, 2]
    assert sum(p["lag"] for p in partitions) == waiting > 0
    assert report["consumer_lag"]["note"] is None
    states = query(settings, "SELECT status, count(*) AS n FROM alert_deliveries GROUP BY status")
    assert sum(report["deliveries"].values()) == sum(row["n"] for row in states)
    open_alerts = query(
        settings,
        "SELECT severity, count(*) AS n FROM alerts WHERE status IN ('open', 'acknowledged') "
        "GROUP BY severity",
    )
    assert {row["severity"]: row["alerts"] for row in report["unresolved_alerts"]} == {
        row["severity"]: row["n"] for row in open_alerts
    }
    coverage = report["coverage"]
    assert coverage["ingest_id"] == first.ingest.ingest_id
    accounts = {row["account"]: row for row in coverage["accounts"]}
    assert {key: row["status"] for key, row in accounts.items()} == {
        "uni_main": "complete",
        "uni_research": "not_covered",
        "uni_students": "complete",
    }
    assert accounts["uni_research"]["gaps"]
    assert accounts["uni_research"]["last_complete_at"] is None
    assert accounts["uni_main"]["last_complete_at"] is not None
    assert accounts["uni_main"]["fetched"] > 0
    # The expired token is an open operations problem until a complete fetch clears it.
    problems = {(p["kind"], p["subject"]) for p in report["open_problems"]}
    assert problems and all(kind == "coverage_gap" for kind, _ in problems)
    assert all(subject.startswith("uni_research") for _, subject in problems)


def test_status_text_says_when_lag_cannot_be_known(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    tick(settings, tmp_path, lines=30)
    kafka = settings.kafka.model_copy(update={"bootstrap_servers": None})

    result = run_status(settings.model_copy(update={"kafka": kafka}), tmp_path)

    assert result.exit_code == 0, result.output
    assert "consumer lag" in result.stdout
    assert "unknown: no kafka.bootstrap_servers" in result.stdout
    assert "succeeded" in result.stdout


def test_status_on_a_missing_warehouse_creates_nothing(
    make_settings: SettingsFactory, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    settings = make_settings(warehouse={"url": f"duckdb:///{missing}"})

    result = run_status(settings, tmp_path)

    assert isinstance(result.exception, WarehouseMissing)
    assert not missing.parent.exists()
