"""conflictmap: map who controls what in a war, one sourced event at a time.

The public API, for notebooks and scripts (the ``conflictmap`` command is a thin layer over it)::

    import datetime as dt
    import conflictmap as cm

    data = cm.open_events("data/events")                 # event files, read once
    day = dt.date(2022, 9, 12)
    cm.states_on(data, day)                              # each place's state: GeoDataFrame
    cm.control_areas(data, day)                          # areas and front line: GeoDataFrame
    cm.figures_by_region(data, day)                      # km² per region: DataFrame
    cm.figures_by_period(data, "week")                   # km² held and gained per week: DataFrame
    cm.place_story(data, "Kupiansk", day)                # a place's state, since when, who says so
    cm.render_map(data, "maps/kharkiv.html")             # the interactive page

Names are imported when first used, so ``import conflictmap`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conflictmap.analysis import (
        changed_hands,
        control_areas,
        figures_by_period,
        figures_by_region,
        place_story,
        states_on,
        write_panel,
    )
    from conflictmap.dataset import Dataset, open_events
    from conflictmap.editing import add_event
    from conflictmap.errors import ConflictmapError
    from conflictmap.importers.acled import events_from_acled
    from conflictmap.importers.pipelines import import_live_updates, import_snapshots, save_imported
    from conflictmap.importers.viina import events_from_viina
    from conflictmap.places.geocoder import Resolver, resolve_place
    from conflictmap.render.page import build_map, render_map
    from conflictmap.render.still import render_chart, render_image

__all__ = [
    "ConflictmapError",
    "Dataset",
    "Resolver",
    "add_event",
    "build_map",
    "changed_hands",
    "control_areas",
    "events_from_acled",
    "events_from_viina",
    "figures_by_period",
    "figures_by_region",
    "import_live_updates",
    "import_snapshots",
    "open_events",
    "place_story",
    "render_chart",
    "render_image",
    "render_map",
    "resolve_place",
    "save_imported",
    "states_on",
    "write_panel",
]
#: Each public name and the module that defines it.
_HOMES = {
    "open_events": "conflictmap.dataset",
    "Dataset": "conflictmap.dataset",
    "states_on": "conflictmap.analysis",
    "control_areas": "conflictmap.analysis",
    "figures_by_region": "conflictmap.analysis",
    "figures_by_period": "conflictmap.analysis",
    "place_story": "conflictmap.analysis",
    "changed_hands": "conflictmap.analysis",
    "write_panel": "conflictmap.analysis",
    "add_event": "conflictmap.editing",
    "resolve_place": "conflictmap.places.geocoder",
    "Resolver": "conflictmap.places.geocoder",
    "import_snapshots": "conflictmap.importers.pipelines",
    "import_live_updates": "conflictmap.importers.pipelines",
    "save_imported": "conflictmap.importers.pipelines",
    "events_from_acled": "conflictmap.importers.acled",
    "events_from_viina": "conflictmap.importers.viina",
    "build_map": "conflictmap.render.page",
    "render_map": "conflictmap.render.page",
    "render_image": "conflictmap.render.still",
    "render_chart": "conflictmap.render.still",
    "ConflictmapError": "conflictmap.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'conflictmap' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
