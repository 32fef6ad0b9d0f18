"""Small map controls written here instead of loading plugins from a CDN."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


class Fullscreen(MacroElement):
    """A button that shows the map full screen (the browser's Fullscreen API)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var Button = L.Control.extend({
            options: {position: "topleft"},
            onAdd: function () {
              var box = L.DomUtil.create("div", "cm-fullscreen leaflet-bar");
              var a = L.DomUtil.create("a", "", box);
              a.href = "#"; a.title = "Full screen"; a.setAttribute("role", "button");
              L.DomEvent.on(a, "click", function (e) {
                L.DomEvent.preventDefault(e);
                var page = document.documentElement;
                if (document.fullscreenElement) { document.exitFullscreen(); }
                else if (page.requestFullscreen) { page.requestFullscreen(); }
              });
              return box;
            }
          });
          new Button().addTo(map);
          document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Fullscreen"


class Collapsibles(MacroElement):
    """Buttons that fold the legend, the layer control and the figures away: folded at first on small screens.

    Add it after both, so that it finds them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var small = window.innerWidth < {{ this.small_px }};
          [[".cm-legend", "Legend"], [".leaflet-control-layers", "Layers"], [".cm-territory", "Figures"]].forEach(function (spec) {
            var box = map.getContainer().querySelector(spec[0]);
            if (!box) return;
            var button = document.createElement("button");
            button.type = "button"; button.className = "cm-toggle"; button.textContent = spec[1];
            box.classList.add("cm-collapsible");
            box.classList.toggle("cm-collapsed", small);
            button.setAttribute("aria-expanded", String(!small));
            button.addEventListener("click", function () {
              var folded = box.classList.toggle("cm-collapsed");
              button.setAttribute("aria-expanded", String(!folded));
            });
            L.DomEvent.disableClickPropagation(button);
            box.insertBefore(button, box.firstChild);
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, small_px: int = 600) -> None:
        super().__init__()
        self._name = "Collapsibles"
        self.small_px = int(small_px)
