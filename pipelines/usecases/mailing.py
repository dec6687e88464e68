"""What the notifier is given, built from the settings: kept apart from the composition root so
`socmon notify` (run every few minutes) does not import the pipeline, the privacy filter and
the classifiers just to send email."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.alerts.emails import EmailContext
from pipelines.alerts.links import LinkError, LinkSigner, signer_from_settings
from pipelines.alerts.rules import LoadedRules, Policy, RulesError, load_rules
from pipelines.config import ConfigError, Settings
from pipelines.settings.alerts import AlertSettings, SmtpSettings


@dataclass(frozen=True)
class Mailing:
    """What the notifier needs: timing and limits, the mail server, the clauses, the accounts'
    handles, owners and line managers, and the signer of the emails' links (None: no key)."""

    alerts: AlertSettings
    smtp: SmtpSettings
    outbox_dir: Path
    policy: Policy
    handles: Mapping[str, str]
    owners: Mapping[str, str] = field(default_factory=dict)
    managers: Mapping[str, str] = field(default_factory=dict)
    signer: LinkSigner | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The university's time zone: quiet hours and the times emails show."""
        return ZoneInfo(self.alerts.timezone)

    def email_context(self) -> EmailContext:
        """What every email composed with these settings needs besides its alerts."""
        return EmailContext(
            sender=self.smtp.sender,
            policy=self.policy,
            handles=self.handles,
            zone=self.zone,
            owners=self.owners,
            managers=self.managers,
            signer=self.signer,
        )


def rules_for(settings: Settings) -> LoadedRules:
    """The validated rules and policy; a bad rules file is a configuration error (exit 2)."""
    try:
        return load_rules(settings.alerts.rules_file, settings.alerts.policy_file)
    except RulesError as error:
        raise ConfigError(f"alerts.rules_file: {error}") from None


def mailing_for(settings: Settings) -> Mailing:
    """What `socmon notify` needs: the clauses from the policy file, read once; the link
    signer when a link key is set (a key too short to be safe is a configuration error)."""
    review = settings.review
    try:
        signer = signer_from_settings(
            review.link_key.get_secret_value() if review.link_key else None,
            review.base_url,
            review.link_ttl_hours,
        )
    except LinkError as error:
        raise ConfigError(f"review.link_key: {error}") from None
    return Mailing(
        alerts=settings.alerts,
        smtp=settings.smtp,
        outbox_dir=settings.operations.outbox_dir,
        policy=rules_for(settings).policy,
        handles={account.key: account.handle for account in settings.accounts},
        owners={account.key: account.owner_email for account in settings.accounts},
        managers={account.key: account.line_manager_email for account in settings.accounts},
        signer=signer,
    )
