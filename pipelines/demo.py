"""`socmon demo --workdir DIR`: the whole slice on bundled synthetic data, with nothing installed.

Starts the embedded broker, replays the bundled sample (about 2,000 records
of three official accounts, some edits and a few malformed lines), runs one
tick, prints a summary and leaves the warehouse at ``DIR/warehouse.duckdb``.
Running it again on the same DIR adds no rows: the new in-memory broker is
recognised as another cluster, every record is read again, and the upserts
change nothing.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

from pipelines.config import Settings, load_settings
from pipelines.privacy.pseudonyms import KEY_VARIABLE
from pipelines.quality.results import DqResult
from pipelines.tick import TickResult, run_tick
from pipelines.warehouse import open_warehouse

log = logging.getLogger(__name__)


def demo_settings(workdir: Path) -> Settings:
    """Settings for the demo: bundled accounts and data, everything under ``workdir``."""
    data = resources.files("pipelines.demo_data")
    workdir.mkdir(parents=True, exist_ok=True)
    with resources.as_file(data.joinpath("demo.toml")) as config_path:
        return load_settings(
            config_path,
            kafka={"bootstrap_servers": None},
            warehouse={"url": f"duckdb:///{(workdir / 'warehouse.duckdb').resolve()}"},
            pipeline={"staging_dir": str((workdir / "staging").resolve())},
            ingest={"replay_files": [str(Path(str(data.joinpath("sample_records.jsonl"))))]},
        )


#: Used only by `socmon demo` when no key is set: the demo's data is synthetic.
DEMO_PSEUDONYM_KEY = "demo-only-pseudonym-key-not-for-real-data"


def run_demo(workdir: Path) -> tuple[TickResult, str]:
    """Run one demo tick and return it with a printable summary."""
    if not os.environ.get(KEY_VARIABLE):
        log.warning("%s is not set: using the demo-only pseudonym key", KEY_VARIABLE)
        os.environ[KEY_VARIABLE] = DEMO_PSEUDONYM_KEY
    settings = demo_settings(workdir)
    result = run_tick(settings)
    return result, summary(settings, result)


def _warnings(warnings: tuple[DqResult, ...]) -> str:
    return "; ".join(warning.explains for warning in warnings) or "none"


def _entity_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in counts.items()) or "none"


def summary(settings: Settings, result: TickResult) -> str:
    """A short table of what the tick did and what the warehouse now holds."""
    processed = result.process
    lines = [
        f"run {processed.run_id}",
        f"  messages replayed into Kafka : {result.ingest.total}",
        f"  records read                 : {processed.records_read}",
        f"  stored (new/updated/same)    : {processed.records_stored} "
        f"({processed.counts.inserted}/{processed.counts.updated}/{processed.counts.unchanged})",
        f"  duplicates within the run    : {processed.duplicates}",
        f"  out of scope                 : {processed.out_of_scope}",
        f"  dead letters                 : {processed.dead_letters}",
        f"  personal data redacted       : {_entity_summary(processed.counts.entity_counts)}",
        f"  reconciles                   : {'yes' if processed.reconciles() else 'NO'}",
        f"  data-quality warnings        : {_warnings(processed.dq_warnings)}",
        "",
        f"{'account':<14} {'kind':<8} {'records':>8}",
    ]
    warehouse = open_warehouse(settings.warehouse)
    try:
        for account, kind, count in warehouse.query(
            "SELECT account, kind, count(*) FROM records GROUP BY account, kind ORDER BY 1, 2"
        ):
            lines.append(f"{account:<14} {kind:<8} {count:>8}")
        lines.append("")
        lines.append(f"{'dead-letter reason':<20} {'count':>6}")
        for reason, count in warehouse.query(
            "SELECT reason, count(*) FROM dead_letters GROUP BY reason ORDER BY 1"
        ):
            lines.append(f"{reason:<20} {count:>6}")
        lines.append("")
        lines.append(
            f"warehouse: {settings.warehouse.url.removeprefix('duckdb:///')} "
            f"({warehouse.count('records')} records, "
            f"{warehouse.count('dead_letters')} dead letters, {warehouse.count('runs')} runs)"
        )
    finally:
        warehouse.close()
    return "\n".join(lines)
