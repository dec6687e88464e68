"""A worker keeps its protector and classifiers from one run to the next, until what they are
built from changes: the specs, the pseudonym key in its environment, the model files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that

from classifiers.model_set import MODEL_DIR
from pipelines.beam import worker_tools as kept
from pipelines.beam.kafka_source import raw_batch
from pipelines.beam.scoring import ScoringSpec
from pipelines.beam.transforms import ParseBatch
from pipelines.beam.worker_tools import worker_tools
from pipelines.config import ClassifierSettings
from pipelines.privacy.pseudonyms import KEY_VARIABLE, PseudonymKeyError
from pipelines.privacy.spec import ProtectionSpec
from pipelines.settings.privacy import PrivacySettings
from schemas.kafka_codec import encode_record
from testing.synthetic import generate_records

ACCOUNTS = ("uni_main",)


def protection(**privacy: object) -> ProtectionSpec:
    return ProtectionSpec(PrivacySettings(**privacy), ACCOUNTS, ("UniOfficial",))


@pytest.fixture
def scoring(tmp_path: Path) -> ScoringSpec:
    """The shipped models and claims list, copied where a test may change them."""
    models = tmp_path / "models"
    shutil.copytree(MODEL_DIR, models)
    claims = tmp_path / "claims.yaml"
    shutil.copy(ClassifierSettings().claims_file, claims)
    return ScoringSpec(ClassifierSettings(model_dir=models, claims_file=claims))


def test_the_same_specs_and_key_get_the_tools_already_built(scoring: ScoringSpec) -> None:
    first = worker_tools(protection(), scoring)
    assert worker_tools(protection(), scoring) is first
    assert first.classifiers is not None
    assert worker_tools(protection(), None) is not first  # no scoring: other tools


def test_another_key_in_the_environment_builds_a_protector_with_it(
    scoring: ScoringSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = worker_tools(protection(), scoring)
    monkeypatch.setenv(KEY_VARIABLE, "another key of at least thirty-two bytes, for this test")
    second = worker_tools(protection(), scoring)
    assert second is not first
    user = ("twitter", "12345")
    assert second.protector.pseudonymizer.pseudonym(
        *user
    ) != first.protector.pseudonymizer.pseudonym(*user)


def test_changed_settings_or_files_build_new_tools(scoring: ScoringSpec) -> None:
    first = worker_tools(protection(), scoring)
    with_allow_list = worker_tools(protection(allow_list=("Ada Lovelace",)), scoring)
    assert with_allow_list is not first

    claims = scoring.settings.claims_file
    claims.write_text(claims.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stamp = claims.stat().st_mtime_ns + 1_000_000_000
    os.utime(claims, ns=(stamp, stamp))  # edited by the comms team
    assert worker_tools(protection(allow_list=("Ada Lovelace",)), scoring) is not with_allow_list

    again = worker_tools(protection(), scoring)
    model = next(scoring.settings.model_dir.glob("*.json"))
    os.utime(model, ns=(stamp, stamp))  # a retrained model copied in place
    assert worker_tools(protection(), scoring) is not again


def test_a_missing_key_fails_as_building_would(
    scoring: ScoringSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(PseudonymKeyError, match=KEY_VARIABLE):
        worker_tools(protection(), scoring)


def stages_records(kinds: list[str]) -> None:
    assert "records" in kinds


def test_two_pipeline_runs_in_one_process_load_the_tools_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[object] = []

    class CountedTools(kept.WorkerTools):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            built.append(self)

    monkeypatch.setattr(kept, "_kept", None)
    monkeypatch.setattr(kept, "WorkerTools", CountedTools)
    messages = [encode_record(record, "t") for record in generate_records(5)]
    batch = raw_batch(0, list(range(5)), [m.key for m in messages], [m.value for m in messages])
    for _ in range(2):
        with test_pipeline.TestPipeline() as pipeline:
            kinds = (
                pipeline
                | beam.Create([batch])
                | beam.ParDo(ParseBatch("records", protection()))
                | beam.Map(lambda pair: pair[0])
            )
            assert_that(kinds, stages_records)
    assert len(built) == 1
