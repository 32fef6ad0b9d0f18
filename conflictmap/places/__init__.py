"""Places and outlines: where a name is, and the ground a region covers.

- :mod:`~conflictmap.places.gazetteer`: the offline gazetteer (GeoNames, KATOTTG, Who's On First
  and the postal list merged into one place per settlement).
- :mod:`~conflictmap.places.translit`: romanisation and folding of names, for matching.
- :mod:`~conflictmap.places.geocoder`: :class:`~conflictmap.places.geocoder.Resolver`, names as
  reports spell them to places.
- :mod:`~conflictmap.places.online`: the Nominatim fallback (through :mod:`conflictmap.http`).
- :mod:`~conflictmap.places.boundaries`: the outlines of Ukraine, its oblasts and Russia's border
  oblasts; a map's extent.
- :mod:`~conflictmap.places.projection`: to and from the equal-area CRS.

May import: the foundation (:mod:`conflictmap.settings`, :mod:`conflictmap.errors`,
:mod:`conflictmap.vocab`, :mod:`conflictmap._io`, :mod:`conflictmap._text`) and
:mod:`conflictmap.http`; nothing of events, control, render or importers.
"""
