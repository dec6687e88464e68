"""Privacy by design: find personal data, redact it, pseudonymise authors, keep to scope.

Detection reads the raw text in memory; only redacted text, entity types and
offsets, and keyed pseudonyms leave this package.
"""
