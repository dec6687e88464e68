"""Wall-clock and CPU seconds per named phase of a run: where `socmon process` spends its time.

A use case opens one :class:`PhaseClock` per run and wraps each step in ``clock.phase(name)``;
the timings come back with the run's result (the process benchmark prints them) and are
logged at DEBUG. CPU seconds are this process's, every thread included, so on a distributed
runner they are the client's share of the work; the workers and the scheduler count theirs in
their own processes. A phase inside another is named ``outer.inner`` and counted in both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PhaseTiming:
    """How long one phase took: wall-clock and this process's CPU seconds."""

    name: str
    wall_s: float
    cpu_s: float


class PhaseClock:
    """Collects :class:`PhaseTiming` for the phases of one run, in the order they ended."""

    def __init__(self) -> None:
        self._timings: list[PhaseTiming] = []

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name`` (also when it raises)."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self._timings.append(
                PhaseTiming(name, time.perf_counter() - wall, time.process_time() - cpu)
            )

    @property
    def timings(self) -> tuple[PhaseTiming, ...]:
        """The phases timed so far."""
        return tuple(self._timings)
