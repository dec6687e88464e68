"""Logging setup: plain or JSON lines, with third-party loggers kept quiet."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# kafka-python is chatty at INFO; Beam logs every stage of a DirectRunner run.
_QUIET_LOGGERS = ("kafka", "apache_beam", "urllib3")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload)


class _DropImportNoise(logging.Filter):
    """Beam warns on import about optional Google Cloud libraries we do not use."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("apitools not found")


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Configure the root logger once for a command."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    handler.addFilter(_DropImportNoise())
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if root.level > logging.DEBUG:
        # kafka-python logs every failed attempt of what it retries (a dozen ERROR lines while
        # a broker is unreachable); what finally fails reaches the user as our own error
        # (BrokerUnreachable, DeliveryError) in one line. --log-level DEBUG shows it all.
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
