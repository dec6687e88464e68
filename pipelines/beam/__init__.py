"""The Beam graph and its DoFns: a bounded read of fixed Kafka ranges into staged files.

The DoFns are thin adapters over plain functions (:mod:`pipelines.beam.batches`,
:mod:`pipelines.beam.scoring`, :mod:`pipelines.privacy`); the graph has no side effect
but the staged Parquet files and manifest (:mod:`pipelines.staging`).
"""
