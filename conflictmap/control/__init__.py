"""Control and figures: who holds what on a day, the areas, the front line and their km².

- :mod:`~conflictmap.control.territory`: :class:`~conflictmap.control.territory.Timeline` (each
  place's state per day, the source layers ranked) and
  :class:`~conflictmap.control.territory.ControlMap` (the Voronoi areas and front line of a day).
- :mod:`~conflictmap.control.measured_areas`: the km² a map measured itself, per region and
  snapshot (``<events>.areas.csv``).
- :mod:`~conflictmap.control.figures`: a day's and a period's figures (settlements, km² held and
  gained, the front line's length), measured where a map measured them, else estimated.

May import: the foundation, :mod:`conflictmap.events` and :mod:`conflictmap.places`; computation
takes data (frames, extents, measured areas), never a path.
"""
