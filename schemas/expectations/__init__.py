"""Expectation suites for every batch, built in code with great-expectations 1.x.

Each expectation carries ``meta.severity``: ``critical`` stops the batch from
committing, ``warning`` is recorded and the batch commits. great-expectations
is imported inside the builders so that commands which never validate stay fast.
"""
