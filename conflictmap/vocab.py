"""The event's vocabulary: who controls a place, how sure and how exact a report is, its layer,
and the rules both forms of an event share (its point, the states of a control change).

Plain enumerations with no validation library, so that commands which only need the words (the
CLI's options, ``--help``) start fast; :mod:`conflictmap.events.model` (pydantic) and
:mod:`conflictmap.events.codec` (msgspec) build the event on them, and only the latter uses the former.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Control(StrEnum):
    """Who holds a place."""

    UA = "UA"
    RU = "RU"
    CONTESTED = "contested"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    """How well an event is supported: two independent sources make it confirmed."""

    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class DatePrecision(StrEnum):
    """How exact ``date`` is: the true date lies within a day, a week or a month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GeoPrecision(StrEnum):
    """How exact the point is: the spot itself, the settlement, or roughly the area."""

    EXACT = "exact"
    SETTLEMENT = "settlement"
    APPROXIMATE = "approximate"


class Layer(StrEnum):
    """The kind of record an event comes from; an event file holds one.

    ``reports``: news and official statements, curated by hand (the primary layer);
    ``maps``: snapshots of a control map (DeepStateMap) turned into per-place changes;
    ``datasets``: event datasets (ACLED, VIINA).
    """

    REPORTS = "reports"
    MAPS = "maps"
    DATASETS = "datasets"


#: Largest distance, in days, between ``date`` and the true date for each precision.
PRECISION_DAYS = {DatePrecision.DAY: 0, DatePrecision.WEEK: 7, DatePrecision.MONTH: 31}

CONTROL_CHANGE = "control_change"


class LonLat:
    """``lon`` and ``lat`` of an event, as floats: shared by the structs and the pydantic model."""

    __slots__ = ()

    @property
    def lon(self) -> float:
        return float(self.geometry.coordinates[0])  # type: ignore[attr-defined]

    @property
    def lat(self) -> float:
        return float(self.geometry.coordinates[1])  # type: ignore[attr-defined]


def require_states(props: Any) -> None:
    """Raise ``ValueError`` if ``props`` are a control change's without both of its states (the
    rule of :class:`EventProperties` in :mod:`conflictmap.events.codec` and :mod:`conflictmap.events.model`)."""
    if props.event_type == CONTROL_CHANGE and (props.control_before is None or props.control_after is None):
        missing = [name for name in ("control_before", "control_after") if getattr(props, name) is None]
        raise ValueError(f"a control_change needs {' and '.join(missing)}")


#: GeoNames admin1 codes of Ukraine -> oblast, with the other spellings of each
#: name that a region hint may use (folded like place names).
UA_ADMIN1 = {
    "01": ("Cherkasy", "Черкаська", "Cherkassy"),
    "02": ("Chernihiv", "Чернігівська", "Chernigov"),
    "03": ("Chernivtsi", "Чернівецька", "Chernovtsy"),
    "04": ("Dnipropetrovsk", "Дніпропетровська"),
    "05": ("Donetsk", "Донецька"),
    "06": ("Ivano-Frankivsk", "Івано-Франківська"),
    "07": ("Kharkiv", "Харківська", "Kharkov"),
    "08": ("Kherson", "Херсонська"),
    "09": ("Khmelnytskyi", "Хмельницька"),
    "10": ("Kirovohrad", "Кіровоградська", "Kropyvnytskyi"),
    "11": ("Crimea", "Крим", "Krym", "Autonomous Republic of Crimea", "Автономна Республіка Крим"),
    "12": ("Kyiv City", "Київ", "Kiev"),
    "13": ("Kyiv", "Київська", "Kiev"),
    "14": ("Luhansk", "Луганська", "Lugansk"),
    "15": ("Lviv", "Львівська", "Lvov"),
    "16": ("Mykolaiv", "Миколаївська", "Nikolaev"),
    "17": ("Odesa", "Одеська", "Odessa"),
    "18": ("Poltava", "Полтавська"),
    "19": ("Rivne", "Рівненська"),
    "20": ("Sevastopol", "Севастополь"),
    "21": ("Sumy", "Сумська"),
    "22": ("Ternopil", "Тернопільська"),
    "23": ("Vinnytsia", "Вінницька"),
    "24": ("Volyn", "Волинська"),
    "25": ("Zakarpattia", "Закарпатська"),
    "26": ("Zaporizhzhia", "Запорізька"),
    "27": ("Zhytomyr", "Житомирська"),
}

#: GeoNames admin1 codes of the Russian border oblasts -> oblast (as ``boundaries`` names it).
BORDER_OBLAST_ADMIN1 = {"41": "Kursk", "09": "Belgorod", "10": "Bryansk"}
