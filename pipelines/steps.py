"""Named steps of the use cases that a crash test may stop at.

Production code only announces that it reached a step (``reached("after_commit")``);
nothing happens unless a hook is installed. The test harness in :mod:`testing.failpoints`
installs one that ends the process at a named step, to prove that a rerun recovers.
Keeping the hook here, at the bottom, means no production module imports the harness.
"""

from __future__ import annotations

from collections.abc import Callable

#: The steps the use cases announce; a hook asked about another name is told so.
KNOWN_STEPS = ("after_staging", "after_commit", "after_ingest_flush", "after_email_sent")

_hooks: list[Callable[[str], None]] = []


def reached(name: str) -> None:
    """Announce that the running use case has reached ``name``."""
    if name not in KNOWN_STEPS:
        raise ValueError(f"unknown step {name!r}; known: {', '.join(KNOWN_STEPS)}")
    for hook in _hooks:
        hook(name)


def install_hook(hook: Callable[[str], None]) -> None:
    """Call ``hook(name)`` at every step reached from now on (test harness only)."""
    _hooks.append(hook)
