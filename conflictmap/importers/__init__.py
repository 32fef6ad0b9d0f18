"""Events from other datasets and maps: ACLED exports, VIINA control tables, DeepStateMap snapshots."""

from conflictmap.importers.acled import events_from_acled
from conflictmap.importers.deepstate import events_from_deepstate
from conflictmap.importers.viina import events_from_viina

__all__ = ["events_from_acled", "events_from_deepstate", "events_from_viina"]
