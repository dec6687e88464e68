"""Start and stop in a ``with`` block: the one context-manager shape the services share.

The embedded broker, the Kafka producer and the API simulators are all used
as ``with Thing(...) as thing:``: entering starts the thing, leaving stops
it, whatever happened inside. :class:`Lifecycle` writes that once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Lifecycle(ABC):
    """Something with ``start()`` and ``stop()``, usable as a context manager."""

    def start(self) -> Self:
        """Get ready for use and return self (nothing to do unless a subclass says so)."""
        return self

    @abstractmethod
    def stop(self) -> None:
        """Release what ``start`` (or the constructor) acquired."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
