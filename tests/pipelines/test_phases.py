"""A run's phases are timed in the order they end, also when one raises."""

from __future__ import annotations

import time

import pytest

from pipelines.phases import PhaseClock


def test_phases_are_timed_in_the_order_they_end_with_wall_and_cpu_seconds() -> None:
    clock = PhaseClock()
    with clock.phase("outer"):
        with clock.phase("outer.sleep"):
            time.sleep(0.05)
        with clock.phase("outer.work"):
            sum(range(200_000))
    names = [timing.name for timing in clock.timings]
    assert names == ["outer.sleep", "outer.work", "outer"]
    sleep, work, outer = clock.timings
    assert sleep.wall_s >= 0.05 > sleep.cpu_s
    assert outer.wall_s >= sleep.wall_s + work.wall_s
    assert work.cpu_s > 0


def test_a_phase_that_raises_is_still_timed() -> None:
    clock = PhaseClock()
    with pytest.raises(RuntimeError), clock.phase("failing"):
        raise RuntimeError("stop")
    assert [timing.name for timing in clock.timings] == ["failing"]
