"""Bundled demo data: synthetic records of three official university accounts."""
