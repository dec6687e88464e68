"""Data quality: the expectation gate before every commit, volume checks, and the report."""
