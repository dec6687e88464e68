"""The composition root: builds, from validated settings, what the use cases are given.

Each use case receives only the settings sections and collaborators it uses; this is
the one place that reads files named in the settings (rules, policy) and checks the
environment for the pseudonym key, so a bad configuration fails before any work starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connectors.config import KafkaSettings
from pipelines.alerts.build import Masker, Routing
from pipelines.alerts.masking import OffensiveMasker
from pipelines.audit import AuditEntry
from pipelines.beam.scoring import ScoringSpec
from pipelines.config import (
    ClassifierSettings,
    ConfigError,
    OperationsSettings,
    PipelineSettings,
    Settings,
)
from pipelines.privacy.pseudonyms import PseudonymKeyError, key_from_environment
from pipelines.privacy.spec import ProtectionSpec
from pipelines.usecases.commit_step import Alerting
from pipelines.usecases.mailing import Mailing, mailing_for, rules_for

__all__ = ["Mailing", "ProcessPlan", "mailing_for", "process_plan", "rules_for"]


@dataclass(frozen=True)
class ProcessPlan:
    """Everything one `socmon process` pass needs, built once from the settings."""

    bootstrap_servers: str
    kafka: KafkaSettings
    pipeline: PipelineSettings
    operations: OperationsSettings
    protection: ProtectionSpec
    scoring: ScoringSpec
    alerting: Alerting
    account_keys: tuple[str, ...]
    audit: AuditEntry


def require_bootstrap(settings: Settings) -> str:
    """The broker address, or a config error saying how to get one."""
    if not settings.kafka.bootstrap_servers:
        raise ConfigError(
            "kafka.bootstrap_servers is not set: start one with `socmon broker` and set "
            "SOCMON_KAFKA__BOOTSTRAP_SERVERS, or use `socmon run`, which starts an embedded broker"
        )
    return settings.kafka.bootstrap_servers


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


def protection_spec(settings: Settings) -> ProtectionSpec:
    """What the pipeline needs to protect records; checks the pseudonym key is set."""
    try:
        key_from_environment()
    except PseudonymKeyError as error:
        raise ConfigError(f"privacy.pseudonym_key: {error}") from None
    return ProtectionSpec(
        privacy=settings.privacy,
        account_keys=tuple(account.key for account in settings.accounts),
        official_handles=tuple(account.handle for account in settings.accounts),
    )


def audit_entry(settings: Settings, command: str) -> AuditEntry:
    """The audit facts of a command run with these settings."""
    return AuditEntry.now(
        command, (account.key for account in settings.accounts), settings.digest()
    )


class LazyMasker:
    """Masks offensive words in excerpts with the offensive model, loaded at the first excerpt.

    Loading waits until an alert needs it: the driver then holds no model while the Beam
    pipeline runs (a loaded set makes its garbage collections measurably slower), and a run
    that raises no alert loads nothing.
    """

    def __init__(self, classifiers: ClassifierSettings, enabled: bool) -> None:
        self.classifiers = classifiers
        self.enabled = enabled and classifiers.enabled
        self._masker: OffensiveMasker | None = None

    def __call__(self, text: str, flagged_terms: Sequence[str] = ()) -> str:
        if not self.enabled:
            return text
        if self._masker is None:
            from pipelines.classifier_files import load_classifiers

            self._masker = OffensiveMasker(load_classifiers(self.classifiers), True)
        return self._masker(text, flagged_terms)


def masker_for(settings: Settings) -> Masker:
    """The masker of alert excerpts these settings ask for."""
    return LazyMasker(settings.classifiers, settings.alerts.mask_offensive)


def process_plan(settings: Settings) -> ProcessPlan:
    """What `socmon process` needs; every configuration error surfaces here, before any read."""
    bootstrap = require_bootstrap(settings)
    protection = protection_spec(settings)
    rules = rules_for(settings)  # a bad rules file stops the run before it reads anything
    if not settings.accounts:
        raise ConfigError("accounts: no official accounts are configured; nothing is in scope")
    return ProcessPlan(
        bootstrap_servers=bootstrap,
        kafka=settings.kafka,
        pipeline=settings.pipeline,
        operations=settings.operations,
        protection=protection,
        scoring=ScoringSpec(settings.classifiers),
        alerting=Alerting(rules, routing_for(settings), settings.alerts, masker_for(settings)),
        account_keys=tuple(account.key for account in settings.accounts),
        audit=audit_entry(settings, "process"),
    )
