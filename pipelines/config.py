"""The composed configuration: one TOML file, typed and validated once, with ``SOCMON_`` overrides.

Precedence, highest first: environment variables (``SOCMON_KAFKA__BOOTSTRAP_SERVERS``,
nested keys joined by ``__``), then the TOML file. Secrets are read only from
the environment: a secret found in the file is an error, so it never sits in
a file that is copied, committed or backed up.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from connectors.config import ConnectorSettings, KafkaSettings
from pipelines.settings.alerts import EMAIL_PATTERN, AlertSettings, SmtpSettings
from pipelines.settings.privacy import PrivacySettings
from pipelines.settings.review import ReviewSettings
from schemas.config_files import describe_errors, read_document
from schemas.errors import SocmonError
from schemas.vocabulary import MODEL_CATEGORIES

DEFAULT_CONFIG_PATH = Path("socmon.toml")
#: Keys that hold secrets: accepted from the environment only.
SECRET_KEYS = {
    ("warehouse", "password"),
    ("privacy", "pseudonym_key"),
    ("connectors", "twitter", "bearer_token"),
    ("connectors", "twitter", "account_tokens"),
    ("connectors", "facebook", "page_tokens"),
    ("smtp", "password"),
    ("review", "link_key"),
}


class ConfigError(SocmonError):
    """The configuration is invalid; the message names the key."""


class OfficialAccount(BaseModel):
    """An official university account that social-monitor watches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]{1,64}$", description="Our name for the account.")
    platform: Literal["x", "facebook"]
    platform_id: str = Field(min_length=1, description="The platform's user or page id.")
    handle: str = Field(min_length=1, description="Public handle or page name.")
    owner_email: str = Field(pattern=EMAIL_PATTERN)
    line_manager_email: str = Field(pattern=EMAIL_PATTERN)
    head_of_comms_email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description="Escalation step 1 for this account (else alerts.escalation's).",
    )
    duty_email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description="Escalation step 2 for this account (else alerts.escalation's).",
    )

    def escalation_chain(self, head_of_comms: str | None, duty: str | None) -> tuple[str, ...]:
        """Who is told, step by step, after the owner and line manager: the account's own
        addresses, else the given defaults; an address already told earlier is skipped."""
        told = {self.owner_email.lower(), self.line_manager_email.lower()}
        chain: list[str] = []
        for address in (self.head_of_comms_email or head_of_comms, self.duty_email or duty):
            if address and address.lower() not in told:
                told.add(address.lower())
                chain.append(address.lower())
        return tuple(chain)


class WarehouseSettings(BaseModel):
    """Where the warehouse is: a DuckDB file or a PostgreSQL database."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(
        default="duckdb:///socmon-data/warehouse.duckdb",
        description="duckdb:///relative/or//absolute/path.duckdb, or postgresql://user@host:port/db",
    )
    db_schema: str = Field(
        default="public",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema holding the tables (ignored for DuckDB).",
    )
    password: SecretStr | None = Field(
        default=None,
        description="PostgreSQL password; environment only (SOCMON_WAREHOUSE__PASSWORD).",
    )
    lock_wait_s: float = Field(
        default=60.0,
        ge=0,
        description="How long a writing command waits for another one to finish with the "
        "warehouse (one writes at a time) before it exits 1 naming the holder.",
    )
    analytics_copy: bool = Field(
        default=True,
        description=(
            "DuckDB only: after each commit, publish a copy of the warehouse beside it "
            "(`<name>.analytics.duckdb`, written aside and renamed into place) that analysts "
            "and BI tools open while the pipeline writes the original."
        ),
    )
    migrations: Literal["explicit", "on_first_use", "automatic"] = Field(
        default="automatic",
        description=(
            "Who brings the warehouse's schema up to date. The command line sets this for "
            "each command: `socmon migrate` applies migrations, `run` and `demo` create a "
            "new warehouse on first use and say so, every other command needs a current "
            "schema (explicit) and says to run `socmon migrate`. Code that opens the "
            "warehouse itself (tests, notebooks) migrates automatically."
        ),
    )

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if not url.startswith(("duckdb://", "postgresql://", "postgres://")):
            raise ValueError("must start with duckdb:// or postgresql://")
        if (
            url.startswith(("postgresql://", "postgres://"))
            and ":" in url.split("//", 1)[1].split("@", 1)[0]
            and "@" in url
        ):
            raise ValueError(
                "must not contain a password; set SOCMON_WAREHOUSE__PASSWORD in the environment"
            )
        return url


class PipelineSettings(BaseModel):
    """How `socmon process` runs the Beam pipeline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    staging_dir: str = Field(
        default="socmon-data/staging",
        description=(
            "Run output is staged here before commit: a local folder, or a URL that fsspec "
            "knows (`s3://bucket/staging`, `gs://…`) when workers on other machines write it."
        ),
    )
    read_batch_size: int = Field(
        default=5000, ge=1, le=100_000, description="Messages per batch element in the pipeline."
    )
    id_buckets: int = Field(
        default=4, ge=1, le=1024, description="Deduplication shards (records hashed by id)."
    )
    max_range_span: int = Field(
        default=200_000, ge=1000, description="Offsets per read task; larger ranges are split."
    )
    poll_timeout_s: float = Field(
        default=30.0, gt=0, description="Give up on a partition that yields nothing this long."
    )
    runner_options: tuple[str, ...] = Field(
        default=("--runner=DirectRunner",),
        description="Beam pipeline options; arguments after `--` on the command line are added.",
    )


class RetentionSettings(BaseModel):
    """How long `socmon retention` keeps rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    content_days: int = Field(
        default=365, ge=1, description="Records, detections and dead letters."
    )
    runs_days: int = Field(default=730, ge=1, description="The runs table.")
    audit_days: int = Field(default=2557, ge=365, description="The audit log (7 years by default).")


class OperationsSettings(BaseModel):
    """Where the platform team hears about failed batches, and where run metrics go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str | None = Field(
        default=None,
        pattern=EMAIL_PATTERN,
        description=(
            "The platform team's address: one notice when a run fails, data quality stops a "
            "run, an account or stream cannot be fetched, or a token is about to expire, and "
            "one when it clears. Unset: the problems are only logged."
        ),
    )
    token_warning_days: float = Field(
        default=7.0,
        gt=0,
        description="Warn when a page token expires within this many days (Facebook's "
        "debug_token says when; checked by each `socmon notify`).",
    )
    outbox_dir: Path = Field(
        default=Path("socmon-data/outbox"),
        description="Where emails are written as .eml files when no SMTP server is set.",
    )
    metrics_file: Path | None = Field(
        default=None,
        description="Prometheus text file rewritten (atomically) after each `socmon run`, for "
        "node-exporter's textfile collector (name it *.prom). Unset: no file.",
    )
    pushgateway_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s]+$",
        description="Prometheus Pushgateway that each `socmon run` pushes its metrics to "
        "(job `socmon`). Unset: nothing is pushed.",
    )
    report_recipients: tuple[str, ...] = Field(
        default=(),
        description="Who `socmon report --send` emails the weekly report to (comms managers).",
    )

    @field_validator("report_recipients")
    @classmethod
    def _recipient_addresses(cls, addresses: tuple[str, ...]) -> tuple[str, ...]:
        import re

        bad = [address for address in addresses if not re.match(EMAIL_PATTERN, address)]
        if bad:
            raise ValueError(f"not email addresses: {', '.join(bad)}")
        return addresses


class IngestSettings(BaseModel):
    """Files `socmon ingest` replays when the `replay` connector is enabled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    replay_files: tuple[Path, ...] = Field(
        default=(), description="JSONL files of records replayed by `socmon ingest`."
    )


class ClassifierSettings(BaseModel):
    """Which classifier files the pipeline and `socmon classify` use, and their thresholds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(default=True, description="Score records in `socmon process`.")
    model_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "classifiers" / "models",
        description="Folder with socmon-classifiers.npz/.json (default: the shipped models).",
    )
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Per category (offensive, hate, threat, misleading): overrides the trained "
        "threshold; a label is given when the score reaches it.",
    )
    claims_file: Path = Field(
        default=Path(__file__).resolve().parent.parent / "classifiers" / "known_false_claims.yaml",
        description="The communications team's list of known false claims.",
    )
    claim_similarity: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Cosine similarity (word and character n-grams) from which a text matches "
        "a known false claim.",
    )

    @field_validator("thresholds")
    @classmethod
    def _known_categories(cls, thresholds: dict[str, float]) -> dict[str, float]:
        known = set(MODEL_CATEGORIES)
        unknown = sorted(set(thresholds) - known)
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {sorted(known)}")
        if any(not 0 < value <= 1 for value in thresholds.values()):
            raise ValueError("thresholds must be in (0, 1]")
        return thresholds


class Settings(BaseSettings):
    """All of social-monitor's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SOCMON_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    accounts: tuple[OfficialAccount, ...] = Field(
        default=(), description="The official accounts to monitor."
    )
    kafka: KafkaSettings = KafkaSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    pipeline: PipelineSettings = PipelineSettings()
    ingest: IngestSettings = IngestSettings()
    connectors: ConnectorSettings = ConnectorSettings()
    classifiers: ClassifierSettings = ClassifierSettings()
    alerts: AlertSettings = AlertSettings()
    smtp: SmtpSettings = SmtpSettings()
    review: ReviewSettings = ReviewSettings()
    privacy: PrivacySettings = PrivacySettings()
    retention: RetentionSettings = RetentionSettings()
    operations: OperationsSettings = OperationsSettings()

    @field_validator("accounts")
    @classmethod
    def _unique_keys(cls, accounts: tuple[OfficialAccount, ...]) -> tuple[OfficialAccount, ...]:
        keys = [account.key for account in accounts]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"account keys must be unique; repeated: {', '.join(duplicates)}")
        return accounts

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file, if any, is named in the class's model_config (see load_settings).
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def digest(self) -> str:
        """SHA-256 of the configuration without its secrets, for the audit log."""
        import hashlib

        public = self.model_dump_json(exclude=_nested(SECRET_KEYS))
        return hashlib.sha256(public.encode()).hexdigest()

    def account(self, key: str) -> OfficialAccount:
        """The account with this key."""
        for account in self.accounts:
            if account.key == key:
                return account
        raise KeyError(key)


def secret_variables() -> list[str]:
    """The environment variables that hold secrets, e.g. ``SOCMON_SMTP__PASSWORD``."""
    return sorted("SOCMON_" + "__".join(part.upper() for part in key) for key in SECRET_KEYS)


def read_secret_files(environ: MutableMapping[str, str]) -> list[str]:
    """Secrets given as files become the variables the rest of the code reads.

    For each secret variable ``X``: ``X_FILE=/path`` (Docker's convention), or a file named
    ``X`` in ``$SOCMON_SECRETS_DIR`` (a mounted Kubernetes or Docker secret). The file's text,
    without its final newline, is the secret. Giving ``X`` and ``X_FILE`` both is an error, as
    is a file that cannot be read. ``X_FILE`` is then replaced by ``X`` (child processes,
    Beam's workers among them, inherit the secret). Returns the variables set (names only).
    """
    folder = environ.get("SOCMON_SECRETS_DIR")
    found: list[str] = []
    for variable in secret_variables():
        named = environ.get(f"{variable}_FILE")
        mounted = Path(folder) / variable if folder else None
        if named and environ.get(variable):
            raise ConfigError(f"{variable} and {variable}_FILE are both set: keep one")
        if named:
            source = Path(named)
        elif mounted is not None and mounted.is_file() and not environ.get(variable):
            source = mounted
        else:
            continue
        try:
            environ[variable] = source.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                f"{variable}_FILE: cannot read {source}: {type(error).__name__}"
            ) from None
        # The settings read SOCMON_ variables as keys: the pointer is not one of them.
        environ.pop(f"{variable}_FILE", None)
        found.append(variable)
    return found


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read and validate the configuration once; raise ``ConfigError`` naming the bad key.

    ``path`` defaults to ``$SOCMON_CONFIG`` or ``./socmon.toml`` when that exists.
    Keyword ``overrides`` take precedence over everything (used by `socmon demo`).
    Secrets given as files are read first (:func:`read_secret_files`).
    """
    import os

    read_secret_files(os.environ)

    if path is None:
        env_path = os.environ.get("SOCMON_CONFIG")
        path = (
            Path(env_path)
            if env_path
            else (DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None)
        )
    settings_class: type[Settings] = Settings
    if path is not None:
        _check_file(path)

        class FileSettings(Settings):
            """Settings read from this one file (no shared state between loads)."""

            model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": path})

        settings_class = FileSettings
    try:
        return settings_class(**overrides)
    except ValidationError as error:
        raise ConfigError((f"{path}: " if path else "") + describe_errors(error)) from None


def _check_file(path: Path) -> None:
    data = read_document(path, ConfigError, "toml")  # --config need not end in .toml
    for secret in sorted(SECRET_KEYS):
        node: Any = data
        for part in secret:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            raise ConfigError(
                f"{path}: {'.'.join(secret)}: secrets are read only from the environment "
                f"(SOCMON_{'__'.join(part.upper() for part in secret)})"
            )


def _nested(paths: set[tuple[str, ...]]) -> dict[str, Any]:
    """``{("a", "b", "c")}`` as pydantic's nested ``exclude``: ``{"a": {"b": {"c": True}}}``."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = True
    return tree
