"""Settings the connectors and the Kafka edge need: where the broker is, which topics."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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

    def topics(self) -> tuple[TopicSettings, ...]:
        """Every topic social-monitor creates if missing."""
        return (self.records_topic, self.alerts_topic, self.deadletter_topic)
