"""The application layer of social-monitor.

The Beam pipeline (:mod:`pipelines.beam.pipeline`), the commit step, warehouse
access, the composed configuration and the ``socmon`` command line.
"""

__version__ = "0.1.0"
