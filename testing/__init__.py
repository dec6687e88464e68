"""The test harness shipped with the product: API simulators, synthetic activity, the demo,
the privacy evaluation set and crash failpoints.

Nothing in ``schemas``, ``connectors``, ``classifiers`` or ``pipelines`` imports it (checked by
import-linter); only the command line does, for ``socmon demo`` and ``SOCMON_FAILPOINT``.
"""
