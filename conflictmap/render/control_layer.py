"""The territory layer: control areas, the front line and the ground retaken, for every day of the slider.

The page gets, for each set of source layers it can switch between, the days as
:func:`conflictmap.control.daily.territory_by_day` computed them (each set of places' cells once,
one letter a cell per distinct day, the smoothed front lines, the km²), embedded as one JSON
document: ``territory.js`` colours the cells of each side as one shape, tints those Russian-held
on the day retaken ground is counted from and Ukrainian-held now, shows the day and the layers the
settlements' panel announces (``conflictmap:day``, ``conflictmap:layers``) and draws the km² chart.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from conflictmap.render._html import RawHTML, add_json_block, page_of, script_json


class TerritoryLayer(MacroElement):
    """Shaded control areas, the front line, the ground retaken and a km² chart, switched by the time slider.

    Parameters
    ----------
    variants : per set of source layers (keyed by the layers joined with ``+``), its days as
        :func:`conflictmap.control.daily.territory_by_day` gives them, with ``measured`` where a map
        measured its own km² (:func:`conflictmap.control.figures.measured_by_day`)
    since : the day the retaken ground is counted from
    region_km2 : the km² of the region's part in Ukraine, the chart's whole
    russia : whether the region holds ground of Russia (the figures then count it apart)
    colours : a colour per state
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        conflictmapTerritory({{ this._parent.get_name() }},
            JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
        {% endmacro %}
        """
    )

    def __init__(
        self,
        variants: dict[str, dict[str, Any]],
        since: str | None,
        region_km2: float,
        russia: bool,
        colours: dict[str, str],
    ) -> None:
        super().__init__()
        self._name = "TerritoryLayer"
        data = {"variants": variants, "since": since, "region_km2": region_km2, "russia": russia, "colours": colours}
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        script = (files("conflictmap.render") / "territory.js").read_text(encoding="utf-8")
        page_of(self).header.add_child(RawHTML(f"<script>{script}</script>"), name="conflictmap_territory_js")
        add_json_block(self, self.data_json)
        super().render(**kwargs)
