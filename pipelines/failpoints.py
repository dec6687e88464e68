"""Named points where a test can make the process die, to prove that a rerun recovers.

``SOCMON_FAILPOINT=<name>`` makes :func:`failpoint` end the process at once
(``os._exit``: no cleanup, no finally blocks), exactly like a kill. Unset in
normal operation, it costs one environment lookup.
"""

from __future__ import annotations

import os
import sys

#: The names the code defines; a test naming another one is told so.
KNOWN_FAILPOINTS = ("after_staging", "after_commit", "after_ingest_flush", "after_email_sent")
FAILPOINT_EXIT_CODE = 70


def failpoint(name: str) -> None:
    """Die here if ``SOCMON_FAILPOINT`` names this point."""
    if name not in KNOWN_FAILPOINTS:
        raise ValueError(f"unknown failpoint {name!r}; known: {', '.join(KNOWN_FAILPOINTS)}")
    if os.environ.get("SOCMON_FAILPOINT") == name:
        sys.stderr.write(f"failpoint {name}: exiting\n")
        sys.stderr.flush()
        os._exit(FAILPOINT_EXIT_CODE)
