"""Maps and images: the interactive page and the still image, drawn from data already read.

- :mod:`~conflictmap.render.page`: the Folium page (:func:`~conflictmap.render.page.build_map`,
  :func:`~conflictmap.render.page.render_map`), put together from the map elements:
  :mod:`~conflictmap.render.settlements`, :mod:`~conflictmap.render.control_layer`,
  :mod:`~conflictmap.render.context`, :mod:`~conflictmap.render.outline`,
  :mod:`~conflictmap.render.legend`, :mod:`~conflictmap.render.controls`, with
  :mod:`~conflictmap.render.assets` (Leaflet inlined) and :mod:`~conflictmap.render._html`
  (escaping, stable element names).
- :mod:`~conflictmap.render.still`: the still image of a day and the bar chart of gains (matplotlib).

Each map element draws the data it is given (folium's style); reading files is the dataset's job
(:mod:`conflictmap.dataset`). May import: the foundation, events, places and control.
"""
