"""The legend: what each colour and mark means, and where the data comes from."""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from conflictmap.render._html import script_json


class Legend(MacroElement):
    """A legend control: colours by controller, the recapture ring, attributions.

    Parameters
    ----------
    colours : controller -> colour
    labels : controller -> label shown
    attributions : lines of text naming every data source
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var spec = {{ this.spec_json }};
          var Legend = L.Control.extend({
            options: {position: "bottomright"},
            onAdd: function () {
              var box = L.DomUtil.create("div", "cm-legend leaflet-bar");
              function row(colour, text, ring) {
                var line = L.DomUtil.create("div", "cm-legend-row", box);
                var dot = L.DomUtil.create("span", "cm-dot", line);
                dot.style.background = colour;
                if (ring) dot.style.border = "3px solid " + ring;
                line.appendChild(document.createTextNode(" " + text));
              }
              spec.items.forEach(function (item) { row(item[0], item[1], item[2]); });
              spec.attributions.forEach(function (text) {
                L.DomUtil.create("div", "cm-attribution", box).textContent = text;
              });
              return box;
            }
          });
          new Legend().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, colours: dict[str, str], labels: dict[str, str], attributions: list[str]) -> None:
        super().__init__()
        self._name = "Legend"
        items: list[list[Any]] = [[colours[k], labels[k], None] for k in labels]
        items.append(["#0057b7", "recaptured (Russia \u2192 Ukraine)", "#ffd500"])
        items.append(["#ffd500", "ground retaken since the day in the panel (tint)", None])
        items.append(["#ffffff", "no report yet on this day", None])
        items.append(["#111111", "front line (dashed): where Ukrainian- and Russian-held areas meet", None])
        self.spec_json = script_json({"items": items, "attributions": attributions})
