"""Bring items from the platforms (and replay files) into Kafka.

Each connector turns what it fetches into schema records or raw messages;
:mod:`connectors.producer` sends them to ``socmon.records.v1``.
:mod:`connectors.broker` runs the embedded Kafka-compatible broker used
locally and in tests.
"""
