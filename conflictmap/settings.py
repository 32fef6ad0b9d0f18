"""Settings in one place: paths, thresholds, coordinate reference systems."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Geographic CRS of every event file (RFC 7946).
GEOGRAPHIC_CRS = "EPSG:4326"
#: Equal-area CRS for every area computation (ETRS89-extended / LAEA Europe).
EQUAL_AREA_CRS = "EPSG:3035"

#: Seconds to wait for the lock on an event file before giving up.
LOCK_TIMEOUT_S = float(os.environ.get("CONFLICTMAP_LOCK_TIMEOUT", "30"))

#: A source published this many days after its event is flagged as possibly recycled.
RECYCLED_AFTER_DAYS = 365

#: Rough bounding boxes (lon_min, lat_min, lon_max, lat_max) used to spot swapped
#: coordinates: a point outside its country's box whose swap falls inside is suspect.
COUNTRY_BBOX = {
    "UA": (22.0, 44.3, 40.3, 52.4),
    "RU": (19.5, 41.1, 180.0, 82.0),
}

#: Colour of each controller on maps and in exports (Ukraine's blue, a red, an amber, a grey).
CONTROL_COLOURS = {"UA": "#0057b7", "RU": "#d52b1e", "contested": "#f2a900", "unknown": "#8c8c8c"}
#: What each state means, in legends and answers.
CONTROL_LABELS = {
    "UA": "held by Ukraine",
    "RU": "held by Russia",
    "contested": "contested",
    "unknown": "status unknown",
}

#: Most places whose own cells a page's areas and their km² are computed from (the whole war: ~30,000);
#: beyond, they come from at most AREA_GRID_CELLS grid cells, each held by most of its places.
AREA_MAX_PLACES = 40_000
AREA_GRID_CELLS = 5_000

#: Identifies conflictmap to online services (Nominatim's usage policy asks for one).
USER_AGENT = os.environ.get("CONFLICTMAP_USER_AGENT", "conflictmap/0.1 (offline-first conflict mapping)")
#: Seconds to wait for one online request.
ONLINE_TIMEOUT_S = float(os.environ.get("CONFLICTMAP_ONLINE_TIMEOUT", "10"))

#: The credit every page and image gives the gazetteer's sources (Who's On First asks for a link to its licence).
PLACES_CREDIT = (
    "Places: GeoNames (CC BY 4.0); Who's On First (CC0 and CC BY sources, "
    "https://github.com/whosonfirst-data/whosonfirst-data-admin-ua/blob/master/LICENSE.md); "
    "KATOTTG register of Ukraine."
)

#: Countries whose populated places the offline gazetteer indexes (ISO codes).
GAZETTEER_COUNTRIES = ("UA",)


def cache_dir() -> Path:
    """Folder for caches (gazetteer index, online answers): ``$CONFLICTMAP_CACHE`` or the user cache."""
    if env := os.environ.get("CONFLICTMAP_CACHE"):
        return Path(env)
    return Path(platformdirs.user_cache_dir("conflictmap"))


def data_dir() -> Path:
    """Return the data folder: ``$CONFLICTMAP_DATA``, ``./data``, or the checkout's."""
    if env := os.environ.get("CONFLICTMAP_DATA"):
        return Path(env)
    local = Path("data")
    if local.is_dir():
        return local
    return Path(__file__).resolve().parent.parent / "data"
