"""The event and its storage: what an event is, how event files are read, checked and written.

- :mod:`~conflictmap.events.model`: the event as a pydantic model, the source of its rules, its
  JSON Schema and its field-named messages.
- :mod:`~conflictmap.events.codec`: the same event as msgspec structs, to check valid features at
  parser speed (the model names the field at fault when they refuse one).
- :mod:`~conflictmap.events.builder`: new events and their stable ids.
- :mod:`~conflictmap.events.store`: event files: list, read, validate ids, append under a lock,
  write atomically.
- :mod:`~conflictmap.events.checks`: ``validate``'s rules (schema, coordinates, dates, oblasts).
- :mod:`~conflictmap.events.frame` and :mod:`~conflictmap.events.frame_cache`: the events as one
  GeoDataFrame, cached per file.
- :mod:`~conflictmap.events.source_layers`: the layers of sources (maps, datasets, reports) and
  the rule that ranks them.
- :mod:`~conflictmap.events.export`: the events written as GeoJSON, GeoParquet, CSV or KML.

May import: :mod:`conflictmap.settings`, :mod:`conflictmap.errors`, :mod:`conflictmap.vocab`,
:mod:`conflictmap._io`, :mod:`conflictmap._parallel`, :mod:`conflictmap._text`; nothing else of the
package.
"""
