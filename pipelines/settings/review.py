"""Settings of the review web app (`socmon serve`) and of the signed links in emails."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from pipelines.settings.alerts import EMAIL_PATTERN


class ReviewSettings(BaseModel):
    """Where reviewers open alerts, how long an email's links work, and who may see what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        default="http://127.0.0.1:8765",
        description="The address reviewers reach `socmon serve` at; email links start with it.",
    )
    host: str = Field(default="127.0.0.1", description="Where `socmon serve` listens.")
    port: int = Field(default=8765, ge=1, le=65535)
    link_key: SecretStr | None = Field(
        default=None,
        description=(
            "Environment only: SOCMON_REVIEW__LINK_KEY, at least 32 characters. Signs the "
            "links in emails and the app's session cookies. Unset: emails carry no links "
            "and the app refuses to start."
        ),
    )
    link_ttl_hours: int = Field(
        default=168, ge=1, le=24 * 90, description="How long an email's links open the alert."
    )
    session_hours: int = Field(
        default=12, ge=1, le=24 * 7, description="How long a signed-in reviewer stays signed in."
    )
    sso_header: str | None = Field(
        default=None,
        description=(
            "A header set by the university's reverse proxy after single sign-on (e.g. "
            "X-Remote-User) holding the reviewer's email address. Only set it when every "
            "request reaches the app through that proxy, which must strip the header from "
            "what clients send."
        ),
    )
    admins: tuple[str, ...] = Field(
        default=(), description="Addresses that see every account's alerts."
    )

    @field_validator("admins")
    @classmethod
    def _addresses(cls, admins: tuple[str, ...]) -> tuple[str, ...]:
        import re

        bad = [address for address in admins if not re.match(EMAIL_PATTERN, address)]
        if bad:
            raise ValueError(f"not email addresses: {', '.join(bad)}")
        return tuple(address.lower() for address in admins)

    @field_validator("base_url")
    @classmethod
    def _http(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return url.rstrip("/")
