"""Events from other datasets and maps: ACLED exports, VIINA control tables, DeepStateMap snapshots
(archive files and the live map), and a user's list of places to follow.

Each import is one call returning event features (:mod:`~conflictmap.importers.pipelines` puts the
DeepStateMap steps together and writes the results). May import: the foundation (with
:mod:`conflictmap.http`), :mod:`conflictmap.events`, :mod:`conflictmap.places` and
:mod:`conflictmap.control` (measured areas).
"""

from conflictmap.importers.acled import events_from_acled
from conflictmap.importers.deepstate import events_from_deepstate
from conflictmap.importers.viina import events_from_viina

__all__ = ["events_from_acled", "events_from_deepstate", "events_from_viina"]
