"""The root of every exception social-monitor raises on purpose.

Living in the bottom layer lets every package share one root, so a caller
(the CLI above all) can tell our errors, which carry a meaning for the user,
from bugs.
"""


class SocmonError(Exception):
    """Root of social-monitor's own exceptions."""


class RecordRejected(SocmonError):
    """A Kafka message could not become a record; it becomes a dead letter.

    ``reason`` is a short stable code (see ``dead_letter.schema.json``),
    ``detail`` a sentence for a person that never quotes the message's values.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
