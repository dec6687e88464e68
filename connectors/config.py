"""Settings the connectors and the Kafka edge need: where the broker is, which topics."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class TopicSettings(BaseModel):
    """One topic: its name, partitions and retention."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=249, pattern=r"^[A-Za-z0-9._-]+$")
    partitions: int = Field(default=3, ge=1, le=1000, description="Partitions when created.")
    replication_factor: int = Field(
        default=1, ge=1, le=16, description="Replicas when created (3 on a production cluster)."
    )
    retention_ms: int = Field(
        default=7 * 24 * 3600 * 1000,
        ge=60_000,
        description="Retention set when the topic is created.",
    )


class KafkaSettings(BaseModel):
    """Where the Kafka-protocol broker is and which topics social-monitor uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str | None = Field(
        default=None,
        description=(
            "host:port[,host:port]. Unset means: `socmon run` and `socmon demo` start an "
            "embedded in-memory broker (Tansu) for the duration of the command."
        ),
    )
    client_id: str = Field(default="socmon", min_length=1)
    records_topic: TopicSettings = TopicSettings(name="socmon.records.v1")
    alerts_topic: TopicSettings = TopicSettings(name="socmon.alerts.v1")
    deadletter_topic: TopicSettings = TopicSettings(
        name="socmon.deadletter.v1",
        partitions=1,
        retention_ms=3 * 24 * 3600 * 1000,
    )
    consumer_group: str = Field(
        default="socmon-pipeline",
        min_length=1,
        description="Group whose offsets mirror what the warehouse has consumed (for lag).",
    )
    request_timeout_ms: int = Field(default=30_000, ge=1000)
    connect_timeout_ms: int = Field(
        default=5_000,
        ge=100,
        description=(
            "How long a client waits for the first answer from bootstrap_servers before the "
            "command says the broker is unreachable (SOCMON_KAFKA__CONNECT_TIMEOUT_MS)."
        ),
    )

    def topics(self) -> tuple[TopicSettings, ...]:
        """Every topic social-monitor creates if missing."""
        return (self.records_topic, self.alerts_topic, self.deadletter_topic)


class RetrySettings(BaseModel):
    """How API calls are retried, and how long a rate limit may be waited out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_timeout_s: float = Field(default=20.0, gt=0, description="Per HTTP request.")
    max_attempts: int = Field(
        default=5, ge=1, le=20, description="Tries per call on server errors and timeouts."
    )
    base_delay_s: float = Field(
        default=0.5, ge=0, description="First retry delay; doubles each time, with jitter."
    )
    max_delay_s: float = Field(default=30.0, ge=0, description="Cap on one retry delay.")
    max_rate_limit_wait_s: float = Field(
        default=60.0,
        ge=0,
        description=(
            "A rate limit that resets within this many seconds is waited out; a longer one "
            "stops the account's fetch for this tick (it resumes from its cursor next tick)."
        ),
    )


def _tokens_by_account(what: str, variable: str, example_account: str) -> Any:
    """A field of secrets by account key, set from the environment only, as JSON."""
    example = f'{variable}=\'{{"{example_account}": "..."}}\''
    return Field(
        default_factory=dict,
        description=f"{what}, by account key; environment only, as JSON ({example}).",
    )


class PlatformSettings(BaseModel):
    """What the settings of every platform connector have."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reconcile_window_hours: float = Field(
        default=48.0, ge=0, description="Items this recent are checked for deletion every run."
    )


class TwitterSettings(PlatformSettings):
    """The X (Twitter) API v2 connector."""

    api_base_url: str = Field(
        default="https://api.twitter.com",
        pattern=r"^https?://[^/\s]+$",
        description="Scheme and host of the X API (a simulator's address in tests and the demo).",
    )
    bearer_token: SecretStr | None = Field(
        default=None,
        description="App bearer token; env only: SOCMON_CONNECTORS__TWITTER__BEARER_TOKEN.",
    )
    account_tokens: dict[str, SecretStr] = _tokens_by_account(
        "Bearer tokens that override bearer_token",
        "SOCMON_CONNECTORS__TWITTER__ACCOUNT_TOKENS",
        "uni_main",
    )
    page_size: int = Field(default=100, ge=10, le=100, description="Tweets per request.")


class FacebookSettings(PlatformSettings):
    """The Facebook Graph API connector (pages)."""

    graph_url: str = Field(
        default="https://graph.facebook.com",
        pattern=r"^https?://[^/\s]+$",
        description="Scheme and host of the Graph API (a simulator in tests and the demo).",
    )
    api_version: str = Field(default="v21.0", pattern=r"^v\d+\.\d+$")
    page_tokens: dict[str, SecretStr] = _tokens_by_account(
        "Page access tokens", "SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS", "uni_students"
    )
    page_size: int = Field(default=100, ge=1, le=100, description="Items per request.")
    backfill_days: float = Field(
        default=14.0, gt=0, description="How far back the first fetch of a page goes."
    )
    comment_window_days: float = Field(
        default=14.0, gt=0, description="Posts this recent are checked for new comments."
    )
    usage_backoff_percent: int = Field(
        default=80,
        ge=1,
        le=100,
        description="Slow down when X-App-Usage or X-Business-Use-Case-Usage reaches this.",
    )


class ConnectorSettings(BaseModel):
    """Which connectors `socmon ingest` runs, and their settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: tuple[str, ...] = Field(
        default=("twitter", "facebook", "replay"),
        description="Connector names, from the registry in connectors/registry.py.",
    )
    twitter: TwitterSettings = TwitterSettings()
    facebook: FacebookSettings = FacebookSettings()
    retry: RetrySettings = RetrySettings()
