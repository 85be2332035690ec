"""Settings of the indicators app with their defaults; each may be overridden
by a Django setting of the same name."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, name, default)


def csv_separator() -> str:
    """Default CSV separator: ';' so Russian Excel opens the file as columns."""
    return _get("INDICATORS_CSV_SEPARATOR", ";")


def export_chunk_size() -> int:
    """Rows fetched per round trip when streaming exports (bounded memory)."""
    return _get("INDICATORS_EXPORT_CHUNK_SIZE", 5000)


def import_max_rows() -> int:
    return _get("INDICATORS_IMPORT_MAX_ROWS", 200_000)


def import_batch_size() -> int:
    return _get("INDICATORS_IMPORT_BATCH_SIZE", 5000)


def traffic_light_thresholds() -> tuple[float, float]:
    """% of target: at or above the first is green, at or above the second amber."""
    return _get("INDICATORS_TRAFFIC_LIGHT", (100.0, 80.0))


def deadline_days() -> int:
    """Days after a period's end to submit its values, when the period has no deadline of its own."""
    return int(_get("INDICATORS_DEADLINE_DAYS", 10))


def reminder_steps() -> tuple[int, ...]:
    """Days before the deadline when those who still owe values are reminded."""
    return tuple(int(step) for step in _get("INDICATORS_REMINDER_DAYS", (7, 3, 1)))
