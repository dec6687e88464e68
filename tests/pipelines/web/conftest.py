"""The review app on a real DuckDB warehouse, seeded by the real alert builder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.web import create_app
from tests.pipelines.web.support import PLAN, Reviewing, review_settings, seed


@pytest.fixture
def reviewing(tmp_path: Path) -> Iterator[Reviewing]:
    settings = review_settings(tmp_path)
    alerts = seed(settings, PLAN)
    yield Reviewing(settings, create_app(settings), alerts)
