"""Settings for escalation: who is next when an alert is not acknowledged, and how soon."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.vocabulary import SEVERITIES

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class EscalationSettings(BaseModel):
    """An alert still open when its time to acknowledge has passed goes to the next step.

    The chain of an account is its owner and line manager (told when the alert is raised),
    then the head of communications, then a duty address; an account may name its own
    (``[[accounts]] head_of_comms_email`` / ``duty_email``) instead of these.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(default=True, description="Escalate unacknowledged alerts.")
    head_of_comms_email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description="Step 1 of the chain for every account that does not name its own.",
    )
    duty_email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description="Step 2 of the chain (a duty rota's address) unless an account names its own.",
    )
    acknowledge_within_minutes: dict[str, int] = Field(
        default_factory=lambda: {"critical": 30, "high": 240},
        description=(
            "Per severity: minutes an alert may stay unacknowledged at one step before the next "
            "is told. Severities left out are never escalated. Critical alerts count around the "
            "clock, the others only within working hours."
        ),
    )
    working_hours: tuple[int, int] = Field(
        default=(9, 17),
        description="[start, end) hours of the clock in alerts.timezone that count for "
        "non-critical alerts.",
    )
    working_days: tuple[int, ...] = Field(
        default=(1, 2, 3, 4, 5),
        description="Days that count for non-critical alerts (1 Monday ... 7 Sunday).",
    )

    @field_validator("acknowledge_within_minutes")
    @classmethod
    def _known_severities(cls, windows: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(windows) - set(SEVERITIES))
        if unknown:
            raise ValueError(f"unknown severities {unknown}; known: {list(SEVERITIES)}")
        if any(minutes < 1 for minutes in windows.values()):
            raise ValueError("minutes must be at least 1")
        return windows

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        if not days or any(not 1 <= day <= 7 for day in days):
            raise ValueError("days are 1 (Monday) to 7 (Sunday), at least one")
        return tuple(sorted(set(days)))

    @model_validator(mode="after")
    def _hours(self) -> EscalationSettings:
        start, end = self.working_hours
        if not 0 <= start < end <= 24:
            raise ValueError("working_hours is [start, end) with 0 <= start < end <= 24")
        return self
