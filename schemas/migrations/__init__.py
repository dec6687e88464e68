"""Versioned warehouse migrations: ``NNNN_name.sql``, applied in order, once each.

The SQL is the common subset of DuckDB and PostgreSQL, so one file serves both.
"""
