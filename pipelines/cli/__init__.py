"""The ``socmon`` command line (click only): see :mod:`pipelines.cli.main`."""

from pipelines.cli.main import cli, main

__all__ = ["cli", "main"]
