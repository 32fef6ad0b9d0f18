"""Leaflet for the page: inlined from installed packages (offline) or linked from a CDN.

Leaflet 1.9.4 installs from PyPI with ``django-js-lib-leaflet`` (BSD-2-Clause);
its CSS images are inlined as data URIs so that the page needs no network.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files

import folium

from conflictmap.render._html import RawHTML, page_of

LEAFLET_VERSION = "1.9.4"
_CDN = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist"


def _leaflet_dir():
    return files("js_lib_leaflet") / "static" / "js_lib_leaflet"


@cache
def leaflet_js() -> str:
    """The minified Leaflet script shipped by ``django-js-lib-leaflet``."""
    return (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as data URIs."""
    folder = _leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = (folder / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


def use_leaflet(m: folium.Map, cdn: bool = False) -> None:
    """Load Leaflet into the page of ``m``, and nothing else from folium's CDN list.

    Parameters
    ----------
    m : the map; its default jQuery, Bootstrap and awesome-markers links are dropped
    cdn : link Leaflet from a CDN instead of inlining it (smaller file, needs network)
    """
    m.default_js = []
    m.default_css = []
    header = page_of(m).header
    if cdn:
        header.add_child(RawHTML(f'<link rel="stylesheet" href="{_CDN}/leaflet.css"/>'), name="leaflet_css")
        header.add_child(RawHTML(f'<script src="{_CDN}/leaflet.js"></script>'), name="leaflet")
    else:
        header.add_child(RawHTML(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
        header.add_child(RawHTML(f"<script>{leaflet_js()}</script>"), name="leaflet")
