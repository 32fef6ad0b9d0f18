"""Events from other datasets: ACLED exports and VIINA control tables."""

from conflictmap.importers.acled import events_from_acled
from conflictmap.importers.viina import events_from_viina

__all__ = ["events_from_acled", "events_from_viina"]
