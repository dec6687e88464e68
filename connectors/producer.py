"""The Kafka producer every connector uses: acks=all, idempotent, and a flush that raises.

A connector must only advance its cursor after :meth:`RecordProducer.flush`
returned, because only then has every message been acknowledged by the
broker. If anything was not delivered, ``flush`` raises
:class:`DeliveryError` and the cursor stays where it was. A broker that does
not answer within the connect timeout is :class:`BrokerUnreachable`, said in
one sentence, instead of a client's timeout and a long wait.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from connectors.lifecycle import Lifecycle
from schemas.errors import SocmonError
from schemas.kafka_codec import KafkaMessage, encode_record
from schemas.records import Record

log = logging.getLogger(__name__)


class DeliveryError(SocmonError):
    """Some messages were not acknowledged by the broker."""

    def __init__(self, topic: str, failed: int, sent: int, first_error: BaseException) -> None:
        super().__init__(
            f"{failed} of {sent} messages to {topic} were not delivered; first error: "
            f"{type(first_error).__name__}: {first_error}"
        )
        self.topic = topic
        self.failed = failed
        self.sent = sent
        self.first_error = first_error


class BrokerUnreachable(SocmonError):
    """No broker at ``bootstrap_servers`` answered within the connect timeout."""

    def __init__(self, bootstrap_servers: str, timeout_ms: int) -> None:
        super().__init__(
            f"Kafka at {bootstrap_servers} is unreachable (no answer within "
            f"{timeout_ms / 1000:g} s; check kafka.bootstrap_servers and that the broker runs)"
        )
        self.bootstrap_servers = bootstrap_servers
        self.timeout_ms = timeout_ms


class RecordProducer(Lifecycle):
    """Sends messages to one topic and knows, at each flush, whether all arrived."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        *,
        client_id: str = "socmon-producer",
        request_timeout_ms: int = 30_000,
        connect_timeout_ms: int = 5_000,
    ) -> None:
        from kafka import KafkaProducer
        from kafka.errors import KafkaTimeoutError

        self.topic = topic
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap_servers,
                client_id=client_id,
                acks="all",
                enable_idempotence=True,
                linger_ms=20,
                batch_size=512 * 1024,
                # Room for the largest record we accept plus headers; larger ones
                # are refused here rather than by the broker.
                max_request_size=2 * 1024 * 1024,
                request_timeout_ms=request_timeout_ms,
                bootstrap_timeout_ms=connect_timeout_ms,
            )
        except KafkaTimeoutError:
            raise BrokerUnreachable(bootstrap_servers, connect_timeout_ms) from None
        self._pending: list[Any] = []
        #: Per partition, the offset after the last message confirmed so far.
        self.positions: dict[int, int] = {}

    def send(self, message: KafkaMessage) -> None:
        """Queue one message; delivery is confirmed by :meth:`flush`."""
        future = self._producer.send(
            self.topic, key=message.key, value=message.value, headers=list(message.headers)
        )
        self._pending.append(future)

    def send_records(self, records: Iterable[Record], connector: str) -> int:
        """Queue records encoded as schema messages; return how many."""
        count = 0
        for record in records:
            self.send(encode_record(record, connector))
            count += 1
        return count

    def flush(self, timeout_s: float = 60.0) -> int:
        """Wait for every queued message; return how many were delivered, or raise."""
        from kafka.errors import KafkaTimeoutError

        try:
            self._producer.flush(timeout=timeout_s)
        except KafkaTimeoutError as timeout:
            pending, self._pending = self._pending, []
            failed = sum(1 for future in pending if not future.succeeded())
            raise DeliveryError(self.topic, failed, len(pending), timeout) from None
        pending, self._pending = self._pending, []
        failures = [future.exception for future in pending if not future.succeeded()]
        if failures:
            first = failures[0] or TimeoutError("not acknowledged before the flush timeout")
            raise DeliveryError(self.topic, len(failures), len(pending), first)
        for future in pending:
            metadata = future.value
            after = metadata.offset + 1
            if after > self.positions.get(metadata.partition, 0):
                self.positions[metadata.partition] = after
        return len(pending)

    def close(self, timeout_s: float = 10.0) -> None:
        """Close the client; messages not flushed by then are dropped (and were never confirmed)."""
        from kafka.errors import KafkaTimeoutError

        try:
            self._producer.close(timeout=timeout_s)
        except KafkaTimeoutError:
            # kafka-python's close() flushes first and, if that times out, raises
            # before stopping its sender thread; stop it here so nothing leaks.
            log.warning("closing producer for %s with undelivered messages", self.topic)
            sender = getattr(self._producer, "_sender", None)
            if sender is not None:
                sender.force_close()
                sender.join(timeout_s)
            self._producer._closed = True

    def stop(self) -> None:
        """Close with the default timeout (what leaving a ``with`` block does)."""
        self.close()
