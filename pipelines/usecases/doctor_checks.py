"""What a `socmon doctor` check reports: one line, passed, failed or skipped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """The outcome of one check: passed, failed, or skipped (the part is not configured)."""

    name: str
    outcome: str  # "ok" | "failed" | "skipped"
    detail: str
    #: A failure that a change of configuration or secrets fixes, not a retry (exit 2).
    configuration: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


def ok(name: str, detail: str) -> Check:
    return Check(name, "ok", detail)


def failed(name: str, detail: str, *, configuration: bool = False) -> Check:
    return Check(name, "failed", detail, configuration)


def skipped(name: str, detail: str) -> Check:
    return Check(name, "skipped", detail)


def one_line(error: BaseException) -> str:
    """An error's message on one line, cut at 300 characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]
