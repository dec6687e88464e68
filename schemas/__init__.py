"""The contract between the parts of social-monitor.

The bottom layer: JSON Schema files for records and dead letters, the typed
Python records that mirror them, their conversion to and from Kafka messages,
and the warehouse migrations. Nothing here imports the other packages.
"""

RECORD_SCHEMA_VERSION = 1
DEAD_LETTER_SCHEMA_VERSION = 1
