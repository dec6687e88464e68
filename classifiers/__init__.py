"""Content classifiers (offensive, hate, threat, misleading) — arrive with their own issue."""
