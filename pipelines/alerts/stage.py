"""The commit step's view of alerts: rules loaded at start, alerts built from staged tables."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from pipelines.alerts.build import Routing, build_alerts
from pipelines.alerts.masking import OffensiveMasker
from pipelines.alerts.rules import LoadedRules, RulesError, load_rules
from pipelines.config import ConfigError, Settings

if TYPE_CHECKING:
    from pipelines.warehouse.base import StagedTables, Warehouse


def rules_for(settings: Settings) -> LoadedRules:
    """The validated rules; a bad rules file is a configuration error (exit 2)."""
    try:
        return load_rules(settings.alerts.rules_file, settings.alerts.policy_file)
    except RulesError as error:
        raise ConfigError(f"alerts.rules_file: {error}") from None


def routing_for(settings: Settings) -> Routing:
    """Account → owner and line manager; the fallback comms address for the rest."""
    return Routing(
        recipients={
            account.key: (account.owner_email, account.line_manager_email)
            for account in settings.accounts
        },
        handles={account.key: account.handle for account in settings.accounts},
        fallback=settings.alerts.fallback_email,
    )


def with_alerts(
    tables: StagedTables, settings: Settings, rules: LoadedRules, warehouse: Warehouse
) -> StagedTables:
    """The staged tables plus the alerts and deliveries they give rise to."""
    records = tables.records
    if records is None or not records.num_rows:
        return tables
    classifiers = None
    if settings.classifiers.enabled and settings.alerts.mask_offensive:
        from pipelines.usecases.classify import load_classifiers

        classifiers = load_classifiers(settings.classifiers)
    parents = _parent_texts(records, warehouse)
    built = build_alerts(
        records,
        tables.detections,
        rules,
        routing_for(settings),
        settings.alerts,
        OffensiveMasker(classifiers, settings.alerts.mask_offensive),
        parents,
    )
    return dataclasses.replace(tables, alerts=built.alerts, deliveries=built.deliveries)


def _parent_texts(records: object, warehouse: Warehouse) -> dict[str, str]:
    """Redacted text of the posts and comments the staged records answer (thread context)."""
    import pyarrow as pa

    assert isinstance(records, pa.Table)
    staged = dict(zip(records["id"].to_pylist(), records["text"].to_pylist(), strict=True))
    wanted = {p for p in records["parent_id"].to_pylist() if p} - set(staged)
    found: dict[str, str] = {p: staged[p] for p in records["parent_id"].to_pylist() if p in staged}
    chunk = sorted(wanted)
    for start in range(0, len(chunk), 500):
        part = chunk[start : start + 500]
        marks = ", ".join("?" for _ in part)
        for record_id, text in warehouse.query(
            f"SELECT id, text FROM records WHERE id IN ({marks}) AND NOT deleted", part
        ):
            found[str(record_id)] = str(text)
    return found
