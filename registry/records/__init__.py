"""The registry's records: collection, three-level review, field-level change history, statistics."""
