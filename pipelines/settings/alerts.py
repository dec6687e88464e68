"""Settings for rules, routing, delivery timing and the SMTP server."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from pipelines.settings.escalation import EscalationSettings

#: The shipped rules and policy clauses (``pipelines/alerts/*.yaml``).
ALERTS_DATA = Path(__file__).resolve().parent.parent / "alerts"
DEFAULT_RULES = ALERTS_DATA / "rules.yaml"
DEFAULT_POLICY = ALERTS_DATA / "policy.yaml"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class AlertSettings(BaseModel):
    """How detections become alerts and when they are emailed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_file: Path = Field(default=DEFAULT_RULES, description="Policy rules (YAML).")
    policy_file: Path = Field(default=DEFAULT_POLICY, description="Policy clause summaries.")
    fallback_email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description="The comms address for alerts on an account no longer in the config.",
    )
    immediate_severities: tuple[str, ...] = Field(
        default=("high", "critical"), description="Emailed at once; the others go in a digest."
    )
    digest_every_hours: int = Field(
        default=24, ge=1, le=168, description="Digest period (24: daily, 1: hourly)."
    )
    digest_hour_utc: int = Field(
        default=8, ge=0, le=23, description="For daily digests: the hour they are due (UTC)."
    )
    timezone: str = Field(
        default="Europe/London",
        description="The university's time zone: quiet hours, and times shown in emails and pages.",
    )
    quiet_hours: tuple[int, int] | None = Field(
        default=None,
        description=(
            "[start, end) hours in `timezone` when only critical alerts are emailed, e.g. [22, 7]."
        ),
    )
    burst_minutes: int = Field(
        default=15, ge=0, description="Alerts on one thread within this window share one email."
    )
    max_emails_per_hour: int = Field(
        default=20, ge=1, description="Per recipient; beyond it non-critical mail waits."
    )
    max_alerts_per_email: int = Field(
        default=100,
        ge=1,
        description="An email lists at most this many alerts; the rest follow in the next ones.",
    )
    max_email_bytes: int = Field(
        default=1_000_000,
        ge=10_000,
        description=(
            "An email stays under this size (many mail servers refuse more than a few MB); "
            "the alerts that do not fit follow in the next emails."
        ),
    )
    mask_offensive: bool = Field(default=True, description="Mask offensive words in emails.")
    escalation: EscalationSettings = EscalationSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {name!r} (an IANA name, e.g. Europe/London)"
            ) from None
        return name


class SmtpSettings(BaseModel):
    """Where emails go. No host: they are written as .eml files to operations.outbox_dir."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password: SecretStr | None = Field(
        default=None, description="Environment only: SOCMON_SMTP__PASSWORD."
    )
    sender: str = Field(default="socmon@university.example", pattern=EMAIL_PATTERN)
    timeout_s: float = Field(default=20.0, gt=0)
    retry_base_s: float = Field(
        default=60.0, ge=0, description="First retry delay after a failure; doubles each time."
    )
    relay_drops_repeated_message_ids: bool = Field(
        default=False,
        description=(
            "Only if the relay is known to drop a second message with a Message-ID it already "
            "accepted: an email whose acceptance is uncertain after a crash is then resent "
            "automatically (same Message-ID) instead of being held for an operator."
        ),
    )
