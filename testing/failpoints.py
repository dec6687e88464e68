"""Named points where a test can make the process die, to prove that a rerun recovers.

``SOCMON_FAILPOINT=<name>`` makes the command line install a hook on
:mod:`pipelines.steps` that ends the process at that step at once (``os._exit``:
no cleanup, no finally blocks), exactly like a kill. Unset, nothing is installed.
"""

from __future__ import annotations

import os
import sys

from pipelines.steps import KNOWN_STEPS, install_hook

FAILPOINT_VARIABLE = "SOCMON_FAILPOINT"
FAILPOINT_EXIT_CODE = 70


def install_from_environment() -> None:
    """Install the failpoint named by ``SOCMON_FAILPOINT``, if any."""
    chosen = os.environ.get(FAILPOINT_VARIABLE)
    if not chosen:
        return
    if chosen not in KNOWN_STEPS:
        raise ValueError(f"unknown failpoint {chosen!r}; known: {', '.join(KNOWN_STEPS)}")

    def die_at(name: str) -> None:
        if name == chosen:
            sys.stderr.write(f"failpoint {name}: exiting\n")
            sys.stderr.flush()
            os._exit(FAILPOINT_EXIT_CODE)

    install_hook(die_at)
