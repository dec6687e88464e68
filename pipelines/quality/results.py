"""One checked expectation, as stored in ``dq_results`` and shown in the report."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.errors import SocmonError


@dataclass(frozen=True, slots=True)
class DqResult:
    """The outcome of one expectation on one table of a batch.

    ``observed_value`` and ``unexpected_count`` never carry the offending values
    themselves (they may be personal data), only aggregates.
    """

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    explains: str

    @property
    def blocks_commit(self) -> bool:
        """A failed critical expectation stops the batch."""
        return not self.success and self.severity == "critical"


class DataQualityError(SocmonError):
    """A critical expectation failed: the batch was not committed."""

    #: The same batch fails the same way until someone fixes the cause (exit code 2).
    retry_helps = False

    def __init__(self, run_id: str, failures: list[DqResult]) -> None:
        names = "; ".join(
            f"{f.suite}.{f.expectation}({f.column or ''}): {f.explains}"
            + (f" [{f.unexpected_count} unexpected]" if f.unexpected_count else "")
            for f in failures
        )
        super().__init__(f"data quality: batch of run {run_id} not committed: {names}")
        self.run_id = run_id
        self.failures = failures
