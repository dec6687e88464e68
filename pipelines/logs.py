"""Logging setup: plain or JSON lines carrying the run's fields, third-party loggers quiet.

Use cases say what they are working on with ``with log_fields(stage="process",
run_id=...)``; every line logged inside, by any module, carries those fields: as JSON keys
with ``--log-json`` (so a log platform can filter by run id), as ``[stage=… run_id=…]`` in
text. The standard library's logging does this with a context variable and a filter; no
second logging library is needed. Libraries' chatter (great_expectations registers each
expectation at INFO, Beam logs every stage) is held at WARNING unless ``--log-level DEBUG``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# Chatty: Beam logs every stage of a DirectRunner run; great_expectations logs each function
# it registers (hundreds of lines per command). Shown with --log-level DEBUG.
_CHATTY = ("apache_beam", "great_expectations", "uvicorn.access", "tzlocal")
# Never below WARNING, even when debugging: at DEBUG these log what must not reach a log —
# kafka-python the raw bytes of records (personal data), urllib3 request URLs (the Graph
# API's token travels in the query string), tweepy and oauthlib the bearer token.
_CARRY_DATA = ("kafka", "urllib3", "tweepy", "facebook", "requests_oauthlib", "oauthlib")
_FIELDS: ContextVar[dict[str, str]] = ContextVar("socmon_log_fields", default={})  # noqa: B039


@contextmanager
def log_fields(**fields: str | None) -> Iterator[None]:
    """Lines logged inside carry these fields (``stage``, ``run_id``, ``account``, …)."""
    merged = {**_FIELDS.get(), **{key: str(value) for key, value in fields.items() if value}}
    token = _FIELDS.set(merged)
    try:
        yield
    finally:
        _FIELDS.reset(token)


class _WithFields(logging.Filter):
    """Puts the current fields on each record, and a text rendering of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _FIELDS.get()
        record.socmon_fields = fields
        record.socmon_context = (
            " [" + " ".join(f"{key}={value}" for key, value in fields.items()) + "]"
            if fields
            else ""
        )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the current fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "socmon_fields", {}),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload)


class _DropImportNoise(logging.Filter):
    """Beam warns on import about optional Google Cloud libraries we do not use; libraries
    that set their own loggers' levels (great_expectations and the connectors' clients do)
    are held back here too, whatever level their loggers were given."""

    def __init__(self, debugging: bool) -> None:
        super().__init__()
        self.debugging = debugging

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("apitools not found"):
            return False
        if record.levelno >= logging.WARNING:
            return True
        family = record.name.split(".", 1)[0]
        if family in _CARRY_DATA:
            return False
        return self.debugging or family not in _CHATTY


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Configure the root logger once for a command."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s%(socmon_context)s: %(message)s")
    )
    root = logging.getLogger()
    handler.addFilter(_WithFields())
    root.handlers[:] = [handler]
    root.setLevel(level)
    handler.addFilter(_DropImportNoise(root.level <= logging.DEBUG))
    for name in _CHATTY:
        logging.getLogger(name).setLevel(
            logging.WARNING if root.level > logging.DEBUG else root.level
        )
    for name in _CARRY_DATA:
        logging.getLogger(name).setLevel(logging.WARNING)
    if root.level > logging.DEBUG:
        # kafka-python logs every failed attempt of what it retries (a dozen ERROR lines while
        # a broker is unreachable); what finally fails reaches the user as our own error
        # (BrokerUnreachable, DeliveryError) in one line. --log-level DEBUG shows its warnings.
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
