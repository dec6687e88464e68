"""The records suites run where records are staged, one staged file at a time, and the
whole batch judged from its parts.

On a cluster the workers that stage the records also check them, in parallel, and the
commit step (one writer in the client) only merges what they found: on two Dask workers that
took the records suites (about a second per 100,000 records) out of the serial part of a
run. Records are staged by the shard of their id, so every version of an id is in one file
and "one row per record id" holds for the batch exactly when it holds in every file. The
other expectations are per-row checks (their unexpected counts add up, and a ``mostly``
is judged on the sums) or a minimum or maximum (the batch's is the least or greatest of the
files'). Nothing but aggregates is kept, as in the gate.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import pyarrow as pa

from pipelines.quality.results import DqResult


@dataclasses.dataclass(frozen=True, slots=True)
class ResultPart:
    """One expectation's outcome on one part of a batch, with the counts a merge needs."""

    result: DqResult
    element_count: int | None = None
    missing_count: int | None = None
    mostly: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            **dataclasses.asdict(self.result),
            "element_count": self.element_count,
            "missing_count": self.missing_count,
            "mostly": self.mostly,
        }

    @classmethod
    def from_json(cls, payload: dict[str, object]) -> ResultPart:
        fields = {field.name for field in dataclasses.fields(DqResult)}
        result = DqResult(**{key: value for key, value in payload.items() if key in fields})  # type: ignore[arg-type]
        return cls(
            result,
            _optional_int(payload.get("element_count")),
            _optional_int(payload.get("missing_count")),
            None if payload.get("mostly") is None else float(str(payload["mostly"])),
        )


@dataclasses.dataclass(frozen=True)
class RecordChecks:
    """What a worker needs to check the records it stages (nothing secret): the registered
    accounts, the policy's clauses, the allow list and the run's time."""

    account_keys: tuple[str, ...]
    clauses: tuple[str, ...]
    allowed: tuple[str, ...]
    now: datetime

    def run(self, records: pa.Table) -> bytes:
        """The records suites' parts for one staged file, as the metadata value to keep."""
        from pipelines.quality.gate import validate_parts

        parts = validate_parts(
            {"records": records}, self.account_keys, self.now, self.clauses, self.allowed
        )
        return json.dumps([part.to_json() for part in parts]).encode("utf-8")


def parts_from_metadata(value: bytes) -> list[ResultPart]:
    """The parts a staged file kept (see :meth:`RecordChecks.run`)."""
    return [ResultPart.from_json(item) for item in json.loads(value)]


def merge_parts(files: Sequence[Sequence[ResultPart]]) -> list[DqResult]:
    """The batch's results from its files' parts, in the first file's order.

    Parts are matched by suite, expectation, column and what they explain; every file runs
    the same suites, so an expectation missing from a file means that file was empty.
    """
    grouped: dict[tuple[str, str, str | None, str], list[ResultPart]] = {}
    for parts in files:
        for part in parts:
            result = part.result
            key = (result.suite, result.expectation, result.column, result.explains)
            grouped.setdefault(key, []).append(part)
    return [_merged(parts) for parts in grouped.values()]


def _merged(parts: list[ResultPart]) -> DqResult:
    first = parts[0].result
    unexpected = _sum(part.result.unexpected_count for part in parts)
    success = all(part.result.success for part in parts)
    mostly = parts[0].mostly
    if mostly is not None:
        present = _sum((part.element_count or 0) - (part.missing_count or 0) for part in parts) or 0
        success = present == 0 or (present - (unexpected or 0)) / present >= mostly
    observed = _observed(first.expectation, [part.result.observed_value for part in parts])
    return dataclasses.replace(
        first, success=success, unexpected_count=unexpected, observed_value=observed
    )


def _observed(expectation: str, values: list[str | None]) -> str | None:
    known = [value for value in values if value is not None]
    if not known:
        return None
    if expectation.endswith("_min_to_be_between"):
        return min(known, key=json.loads)
    if expectation.endswith("_max_to_be_between"):
        return max(known, key=json.loads)
    return known[0]


def _sum(values: Iterable[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _optional_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def staged_record_results(record_checks: Sequence[bytes]) -> list[DqResult] | None:
    """The records suites' results of a staged batch, merged from what each staged records
    file carries (:attr:`pipelines.staging.StagedRun.record_checks`); None when they carry
    none (the pipeline ran without checks), and the gate checks the records itself."""
    if not record_checks:
        return None
    return merge_parts([parts_from_metadata(value) for value in record_checks])
