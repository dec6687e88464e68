"""The pipeline's DoFns: thin adapters that count what they do and call the batch functions.

The functions live in :mod:`pipelines.beam.batches`; the DoFns only load, count and emit.

Written for every runner, including Beam's DaskRunner, which (Beam 2.77) runs ``setup`` and
``teardown`` around every bundle and hands all of a multi-output ParDo's outputs to each
consumer: so the protector and models are kept per worker process, from one run to the next
(:mod:`pipelines.beam.worker_tools`), and ``ParseBatch`` emits ``(kind, table)`` pairs
instead of tagged outputs, which :class:`KeyByStagedFile` keys by the file they are staged in.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import Metrics

from pipelines.beam.batches import keep_latest, parse_messages, split_by_bucket
from pipelines.beam.kafka_source import raw_messages
from pipelines.beam.scoring import ScoringSpec
from pipelines.beam.worker_tools import WorkerTools, worker_tools
from pipelines.privacy.spec import ProtectionSpec
from pipelines.quality.parts import RecordChecks
from pipelines.staging import (
    CHECKS_METADATA_KEY,
    READ_RECEIPTS,
    SIDE_TABLES,
    read_receipt,
    staged_path,
    write_staged_table,
)

RECORDS = "records"
DEAD_LETTERS = "dead_letters"
OUT_OF_SCOPE = "out_of_scope"
DETECTIONS = "detections"
#: What parsing a batch gives, in this order.
PARSED_KINDS = (RECORDS, DEAD_LETTERS, OUT_OF_SCOPE, DETECTIONS)
#: What ``ParseBatch`` emits: the parsed kinds and a receipt for every batch read.
KINDS = (*PARSED_KINDS, READ_RECEIPTS)


def without_secrets(protection: ProtectionSpec) -> ProtectionSpec:
    """The spec minus the pseudonym key that settings may hold: this DoFn is pickled into the
    pipeline graph, which a runner ships to workers and may store; each worker reads the key
    from its own environment instead (:meth:`ProtectionSpec.build`)."""
    if protection.privacy.pseudonym_key is None:
        return protection
    privacy = protection.privacy.model_copy(update={"pseudonym_key": None})
    return dataclasses.replace(protection, privacy=privacy)


class ParseBatch(beam.DoFn):
    """Parses, scopes, scores and protects a batch; emits ``(kind, table)`` for each of
    ``KINDS`` that has rows, and the batch's read receipt (what it read, staged apart).

    ``records`` are valid, in-scope records, redacted and pseudonymised; the other kinds
    are dead letters, out-of-scope records and detections (privacy and classifiers). The
    protector and classifiers are loaded once per worker process, whatever the runner's
    bundles.
    """

    def __init__(
        self, topic: str, protection: ProtectionSpec, scoring: ScoringSpec | None = None
    ) -> None:
        self.topic = topic
        self.protection = without_secrets(protection)
        self.scoring = scoring
        self.valid = Metrics.counter("socmon", "records_valid")
        self.rejected = Metrics.counter("socmon", "dead_letters")
        self.skipped = Metrics.counter("socmon", "out_of_scope")
        self.unscored = Metrics.counter("socmon", "records_unscored")
        self._tools: WorkerTools | None = None

    def setup(self) -> None:
        self._tools = worker_tools(self.protection, self.scoring)
        # The protector and models live as long as the worker: keep the garbage collector
        # from walking their objects again at every full collection (a tenth of the
        # pipeline's time on the process benchmark); ``teardown`` hands them back.
        gc.freeze()

    def teardown(self) -> None:
        gc.unfreeze()

    def process(self, batch: pa.Table) -> Iterator[tuple[str, pa.Table]]:
        assert self._tools is not None, "setup() loads the protector"
        parsed = parse_messages(
            raw_messages(batch), self.topic, self._tools.protector, self._tools.classifiers
        )
        self.valid.inc(parsed.records.num_rows)
        self.rejected.inc(parsed.dead_letters.num_rows)
        self.skipped.inc(parsed.out_of_scope.num_rows)
        for kind, table in zip(
            PARSED_KINDS,
            (parsed.records, parsed.dead_letters, parsed.out_of_scope, parsed.detections),
            strict=True,
        ):
            if table.num_rows:
                yield kind, table
        if batch.num_rows:
            yield READ_RECEIPTS, read_receipt(batch.column("partition")[0].as_py(), batch["offset"])


#: The staged file a group of tables becomes: its kind and shard (side tables have one, 0).
FileKey = tuple[str, int]


class KeyByStagedFile(beam.DoFn):
    """Keys ``ParseBatch``'s ``(kind, table)`` pairs by the staged file their rows go to.

    Records are split by the shard of their id, so every version of an id meets in one group
    whatever partition it came from; each other kind goes whole to its one file. One
    ``GroupByKey`` then gathers every file's tables: on the DaskRunner one shuffle instead of
    one per kind (each shuffle is about pieces² tasks for Dask's scheduler).
    """

    def __init__(self, buckets: int) -> None:
        self.buckets = buckets

    def process(self, element: tuple[str, pa.Table]) -> Iterator[tuple[FileKey, pa.Table]]:
        kind, table = element
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
        if kind == RECORDS:
            for bucket, shard in split_by_bucket(table, self.buckets).items():
                yield (RECORDS, bucket), shard
        else:
            yield (kind, 0), table


class StageFile(beam.DoFn):
    """Stages one group as one Parquet file ``<kind>-<shard>.parquet`` under ``directory``:
    for records, the latest version of each id in the shard (the rest count as duplicates),
    checked against the records suites when ``checks`` are given (the results go into the
    file's metadata, for the commit step to merge); for a side table (dead letters, out of
    scope, detections), every row."""

    def __init__(self, directory: str, checks: RecordChecks | None = None) -> None:
        self.directory = directory
        self.checks = checks
        self.duplicates = Metrics.counter("socmon", "duplicates")

    def process(self, group: tuple[FileKey, Iterable[pa.Table]]) -> Iterator[str]:
        (kind, shard), tables = group
        path = staged_path(self.directory, f"{kind}-{shard:04d}.parquet")
        if kind == RECORDS:
            kept, duplicates = keep_latest(tables)
            self.duplicates.inc(duplicates)
            checked = {CHECKS_METADATA_KEY: self.checks.run(kept)} if self.checks else None
            write_staged_table(kept, path, duplicates, checked)
        else:
            schema = SIDE_TABLES[kind]
            combined = pa.concat_tables(list(tables) or [schema.empty_table()])
            first_columns = [(name, "ascending") for name in schema.names[:3]]
            write_staged_table(combined.sort_by(first_columns), path)
        yield path
