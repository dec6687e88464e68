"""`socmon demo --workdir DIR`: the whole slice on synthetic activity, with nothing installed.

Starts local simulators of the X API v2 and the Graph API, seeded with
three days of invented activity on three official accounts (about 2,000
posts, replies, mentions and comments, some with invented personal
details), and the embedded broker; the real tweepy and facebook-sdk
connectors fetch from the simulators; one tick runs; a summary is printed
and the warehouse stays at ``DIR/warehouse.duckdb``. Running it again on
the same DIR adds no rows: the connectors resume from the cursors stored
in the warehouse, and whatever is fetched again is upserted unchanged.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from pipelines.config import Settings, load_settings
from pipelines.privacy.pseudonyms import KEY_VARIABLE
from pipelines.quality.results import DqResult
from pipelines.usecases.tick import TickResult, run_tick
from pipelines.warehouse import Warehouse, open_warehouse
from testing.simulators import SeedPlan, SimulatedAccount, Simulators
from testing.synthetic import demo_text

log = logging.getLogger(__name__)


#: Three days of activity: about 2,000 items over the three demo accounts.
DEMO_PLAN = SeedPlan(posts_per_account=30, replies_per_post=20, mentions_per_account=25)


def demo_settings(workdir: Path, simulators: Simulators | None = None) -> Settings:
    """Settings for the demo: bundled accounts, the simulators, everything under ``workdir``."""
    data = resources.files("testing.demo_data")
    workdir.mkdir(parents=True, exist_ok=True)
    overrides = {"connectors": simulators.connector_settings()} if simulators else {}
    with resources.as_file(data.joinpath("demo.toml")) as config_path:
        return load_settings(
            config_path,
            kafka={"bootstrap_servers": None},
            warehouse={"url": f"duckdb:///{(workdir / 'warehouse.duckdb').resolve()}"},
            pipeline={"staging_dir": str((workdir / "staging").resolve())},
            operations={"outbox_dir": str((workdir / "outbox").resolve())},
            **overrides,
        )


#: Used only by `socmon demo` when no key is set: the demo's data is synthetic.
DEMO_PSEUDONYM_KEY = "demo-only-pseudonym-key-not-for-real-data"
#: Signs the demo emails' links to `socmon serve` when SOCMON_REVIEW__LINK_KEY is not set.
LINK_KEY_VARIABLE = "SOCMON_REVIEW__LINK_KEY"
DEMO_LINK_KEY = "demo-only-link-key-not-for-real-alerts-0123456789"


def use_demo_keys() -> None:
    """Demo-only keys for what the environment does not set (the demo's data is synthetic)."""
    for variable, key in ((KEY_VARIABLE, DEMO_PSEUDONYM_KEY), (LINK_KEY_VARIABLE, DEMO_LINK_KEY)):
        if not os.environ.get(variable):
            log.warning("%s is not set: using the demo-only key", variable)
            os.environ[variable] = key


def run_demo(workdir: Path) -> tuple[TickResult, str]:
    """Run one demo tick and return it with a printable summary (which says how to review)."""
    use_demo_keys()
    accounts = [
        SimulatedAccount(a.key, a.platform, a.platform_id, a.handle)
        for a in demo_settings(workdir).accounts
    ]
    with Simulators(accounts, DEMO_PLAN, text=demo_text) as simulators:
        settings = demo_settings(workdir, simulators)
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
        f"  fetched from X and Facebook  : {result.ingest.total} (simulated APIs)",
        f"  coverage gaps                : {len(result.ingest.gaps) or 'none'}",
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
    with open_warehouse(settings.warehouse) as warehouse:
        for row in warehouse.records.count_by_account_and_kind():
            lines.append(f"{row['account']:<14} {row['kind']:<8} {row['records']:>8}")
        lines.append("")
        lines.append(f"{'alerts by severity':<20} {'count':>7}")
        for row in warehouse.review.count_by_severity():
            lines.append(f"{row['severity']:<20} {row['alerts']:>7}")
        lines.append(
            f"emails written to {settings.operations.outbox_dir}: {result.notify.emails_sent} "
            "(immediate alerts; medium and low wait for the daily digest)"
        )
        lines.append("")
        lines.append(f"{'detected':<20} {'clause':<7} {'records':>7}")
        for row in warehouse.records.count_detections_by_category():
            lines.append(f"{row['category']:<20} {row['policy_clause']:<7} {row['detections']:>7}")
        lines.append("")
        lines.append(f"{'dead-letter reason':<20} {'count':>6}")
        for row in warehouse.dead_letters.count_by_reason():
            lines.append(f"{row['reason']:<20} {row['dead_letters']:>6}")
        lines.append("")
        lines.append(
            f"warehouse: {settings.warehouse.url.removeprefix('duckdb:///')} "
            f"({warehouse.count('records')} records, "
            f"{warehouse.count('dead_letters')} dead letters, {warehouse.count('runs')} runs)"
        )
        lines.extend(_review_hint(settings, warehouse))
    return "\n".join(lines)


def _review_hint(settings: Settings, warehouse: Warehouse) -> list[str]:
    """How to review the demo's alerts in a browser, with the link of the most severe one."""
    from pipelines.alerts.links import signer_from_settings
    from schemas.review import QueueFilter

    key = settings.review.link_key
    signer = signer_from_settings(
        key.get_secret_value() if key else None,
        settings.review.base_url,
        settings.review.link_ttl_hours,
    )
    page = warehouse.review.queue(QueueFilter(), datetime.now(UTC), limit=1)
    if signer is None or not page.alerts or not page.alerts[0].recipients:
        return []
    top = page.alerts[0]
    link = signer.url(top.alert_id, top.recipients[0], datetime.now(UTC))
    return [
        "",
        "review the alerts in a browser: `socmon demo --workdir DIR --serve` (this tick again,",
        "then the review app), and open a link from an email in the outbox, e.g. the most",
        f"severe alert as {top.recipients[0]}:",
        f"  {link}",
    ]
