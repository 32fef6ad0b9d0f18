"""Who controls what on a date, derived from the control-change events.

A place's state on day D is the last change at or before D; a place with no change
by then has no state. Control areas are the Voronoi cells of the places with a
state, clipped to the region and dissolved by controller; the front line is the
boundary shared by Ukrainian- and Russian-held cells. Areas and lengths are
computed in an equal-area CRS (EPSG:3035).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from conflictmap import settings
from conflictmap.events.source_layers import LAYER_RANK, SLACK_DAYS, place_key
from conflictmap.places.projection import to_equal_area
from conflictmap.vocab import CONTROL_CHANGE, PRECISION_DAYS, DatePrecision, Layer

STATES = ("UA", "RU", "contested", "unknown")
_SORTED_STATES = np.array(sorted(STATES))
_CODE_OF_SORTED = np.array([STATES.index(state) for state in _SORTED_STATES])
UA, RU = 0, 1  # codes of the states (positions in STATES)


def state_codes(states: np.ndarray) -> np.ndarray:
    """Each state's position in :data:`STATES` (small integers compare faster than text)."""
    return _CODE_OF_SORTED[np.searchsorted(_SORTED_STATES, states)]


def place_keys(events: gpd.GeoDataFrame) -> pd.Series:
    """One key per settlement (:func:`conflictmap.events.source_layers.place_key`): its ``place_id``, else its
    point rounded to ~100 m. Reports spell a place many ways; the gazetteer id (or the point) is
    what identifies it, here as when ``validate`` compares layers.
    """
    ids = events["place_id"] if "place_id" in events else pd.Series(None, index=events.index, dtype="str")
    named = (ids.notna() & (ids != "")).to_numpy(bool)
    keys = np.empty(len(events), dtype=object)
    keys[named] = ("id:" + ids[named]).to_numpy(dtype=object)  # vectorised; the points one by one, as few as a rule
    points = events.geometry[~named]
    keys[~named] = [place_key(None, x, y) for x, y in zip(points.x.tolist(), points.y.tolist(), strict=True)]
    return pd.Series(keys, index=events.index, name="place_key", dtype=object)


def control_changes(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The control changes, with a ``place_key`` column and a ``layer`` (reports where none is
    given), sorted by date, then layer rank (a report after a map snapshot of the same day: it
    wins, see :mod:`conflictmap.events.source_layers`), then id."""
    is_change = (events["event_type"] == CONTROL_CHANGE).to_numpy(bool)
    changes = events if is_change.all() else events[is_change]
    layer = changes["layer"].fillna(Layer.REPORTS.value) if "layer" in changes else Layer.REPORTS.value
    changes = changes.assign(place_key=place_keys(changes), layer=layer)
    ranks = layer_ranks(changes)
    if _in_order(changes["date"].to_numpy(), ranks, changes["id"]):
        return changes  # as event files keep them (by date and id): no rows to move
    return changes.assign(_rank=ranks).sort_values(["date", "_rank", "id"], kind="stable").drop(columns="_rank")


def _in_order(days: np.ndarray, ranks: np.ndarray, ids: pd.Series) -> bool:
    """Whether the rows are sorted by ``days``, then ``ranks``, then ``ids`` (ties allowed)."""
    if len(ids) < 2:
        return True
    ids_up = (ids.iloc[1:].reset_index(drop=True) >= ids.iloc[:-1].reset_index(drop=True)).to_numpy(bool)
    same_day, same_rank = days[1:] == days[:-1], ranks[1:] == ranks[:-1]
    return bool(((days[1:] > days[:-1]) | same_day & ((ranks[1:] > ranks[:-1]) | same_rank & ids_up)).all())


def outranked_by(changes: pd.DataFrame, ranks: np.ndarray) -> np.ndarray:
    """For each change, the layers (bit ``1 << rank``) that set it aside: a change of a
    higher-ranked layer at the same place, at most its date precision plus
    :data:`~conflictmap.events.source_layers.SLACK_DAYS` days earlier (a report outranks the map
    snapshots of the days it speaks for). 0 for a change that counts. ``ranks``: each change's
    layer rank (:func:`layer_ranks`)."""
    if len(ranks) == 0 or (ranks == ranks[0]).all():
        return np.zeros(len(changes), dtype=np.int64)  # one layer: nothing outranks anything
    window = changes["date_precision"].map(lambda p: PRECISION_DAYS[DatePrecision(p)]).to_numpy() + SLACK_DAYS
    frame = pd.DataFrame(
        {
            "key": changes["place_key"].to_numpy(),
            "date": changes["date"].to_numpy(),
            "until": changes["date"].to_numpy() + pd.to_timedelta(window, "D").to_numpy(),
            "rank": ranks,
            "position": np.arange(len(changes)),
        }
    ).sort_values("date", kind="stable")
    outranked = np.zeros(len(changes), dtype=np.int64)
    for rank in np.unique(ranks)[1:]:
        higher = frame[frame["rank"] == rank][["key", "date", "until"]].rename(columns={"date": "since"})
        lower = frame[frame["rank"] < rank]
        matched = pd.merge_asof(lower, higher, left_on="date", right_on="since", by="key", direction="backward")
        hit = matched["until_y"].notna() & (matched["date"] <= matched["until_y"])
        outranked[matched.loc[hit, "position"].to_numpy()] |= 1 << int(rank)
    return outranked


def layer_ranks(changes: pd.DataFrame) -> np.ndarray:
    """Each change's layer rank (:data:`conflictmap.events.source_layers.LAYER_RANK`), as
    :func:`control_changes` gives them."""
    codes, layers = pd.factorize(changes["layer"])
    return np.array([LAYER_RANK[layer] for layer in layers], dtype=int)[codes]


class Timeline:
    """The control changes of every place, indexed for fast look-up by day.

    Build it once from the events; :meth:`on` then answers for any day with one
    vectorised binary search: a place's state is its latest change at or before
    the day, of any layer, except changes a higher-ranked layer sets aside
    (:func:`outranked_by`: a report outranks the map snapshots of the days it
    speaks for; :mod:`conflictmap.events.source_layers`). Each place is drawn at (and named after) its
    latest change in its highest-ranked layer: a report's spelling over a map's.
    """

    def __init__(self, events: gpd.GeoDataFrame) -> None:
        changes = control_changes(events)
        #: the control changes as :func:`control_changes` sorts them, and each one's place (an index into ``keys``)
        self.changes = changes
        codes, keys = pd.factorize(changes["place_key"], sort=True)  # as np.unique, by hashing
        self.keys, self.codes = np.asarray(keys, dtype=object), codes
        #: the layers (bits) setting each change aside (:func:`outranked_by`); such changes set no state
        ranks = layer_ranks(changes)
        self.outranked = outranked_by(changes, ranks)
        codes = self.codes
        order = np.lexsort((np.arange(len(codes)), codes))  # by place, keeping the changes' order
        order = order[self.outranked[order] == 0]
        self._codes = codes[order]
        self._days = changes["date"].to_numpy().astype("datetime64[D]")[order]
        self._after = changes["control_after"].to_numpy()[order]
        self._after_codes = state_codes(self._after)
        # each place is named after (and drawn at) its latest change of its highest-ranked layer
        by_rank = np.lexsort((np.arange(len(codes)), ranks, codes))
        last = np.r_[np.flatnonzero(np.diff(codes[by_rank])), len(codes) - 1] if len(codes) else np.array([], int)
        latest = by_rank[last]
        self.names = changes["place"].iloc[latest].to_numpy()  # three columns taken, not every one
        self.points = changes.geometry.iloc[latest].to_numpy()
        #: which places are in Russia (their latest change's ``country``): their cells tile Russia's ground
        country = changes["country"].iloc[latest].to_numpy() if "country" in changes else np.full(len(latest), None)
        self.in_russia = country == "RU"
        self.crs = events.crs
        self._first = np.searchsorted(self._codes, np.arange(len(self.keys)))
        # each change's (place, day) as one sortable number, for the binary search of latest()
        self._combined = self._codes.astype(np.int64) * 1_000_000 + self._days.astype(np.int64)
        self._inside: dict[bytes, np.ndarray] = {}
        self._cells: dict[tuple[bytes, bytes], tuple[np.ndarray, Tessellation]] = {}

    def latest(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """For each place (in ``keys`` order): whether it has a state on ``day``, and the
        position of its latest change at or before the day among the sorted changes."""
        wanted = np.arange(len(self.keys), dtype=np.int64) * 1_000_000 + np.datetime64(day, "D").astype(np.int64)
        last = np.searchsorted(self._combined, wanted, side="right") - 1
        return last >= self._first, last

    def states(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """Each place's state on ``day`` (in ``keys`` order; ``unknown`` where it has none) and the
        day of the change that set it (``NaT`` where none)."""
        has_state, last = self.latest(day)
        since = np.where(has_state, self._days[last], np.datetime64("NaT"))
        return np.where(has_state, self._after[last], "unknown"), since

    def on(self, day: dt.date) -> gpd.GeoDataFrame:
        """Each place's state on ``day``, in a stable order (by place key); places with none left out.

        Returns
        -------
        GeoDataFrame: ``place_key``, ``place``, ``control``, ``since`` and the point.
        """
        has_state, last = self.latest(day)
        return self.places_frame(np.flatnonzero(has_state), last)

    def places_frame(self, places: np.ndarray, last: np.ndarray) -> gpd.GeoDataFrame:
        """The frame of :meth:`on` for ``places`` (positions in ``keys``), ``last`` as from :meth:`latest`."""
        idx = last[places]
        return gpd.GeoDataFrame(
            {
                "place_key": self.keys[places],
                "place": self.names[places],
                "control": self._after[idx],
                "since": self._days[idx].astype("datetime64[ns]"),
            },
            geometry=self.points[places],
            crs=self.crs,
        )

    @cached_property
    def days(self) -> np.ndarray:
        """The distinct days with a change, sorted (``datetime64[D]``)."""
        return np.unique(self.changes["date"].to_numpy("datetime64[D]"))

    @cached_property
    def projected_xy(self) -> np.ndarray:
        """The places' points in the equal-area CRS, as an (n, 2) array of coordinates."""
        return shapely.get_coordinates(to_equal_area(self.points))

    def cells_of(self, drawn: np.ndarray, region_wkb: bytes) -> tuple[np.ndarray, Tessellation]:
        """The places of a mask that get a cell (one per point, to 1 m: the first place's), and their
        tessellation of a region (WKB, EPSG:4326); remembered per mask, since most days share one."""
        key = (np.packbits(drawn).tobytes(), region_wkb)
        if key not in self._cells:
            index = np.flatnonzero(drawn)
            _, first, _ = unique_rows(self.projected_xy[index].round(0))
            index = index[np.sort(first)]
            if len(index) == 0:
                self._cells[key] = index, _EMPTY
            else:
                points = shapely.to_wkb(shapely.multipoints(self.projected_xy[index]))
                russian = np.packbits(self.in_russia[index]).tobytes() if self.in_russia[index].any() else b""
                self._cells[key] = index, _tessellate(points, _projected_wkb(region_wkb), russian)
        return self._cells[key]

    def inside(self, region: shapely.Geometry, key: bytes) -> np.ndarray:
        """Which places lie in ``region`` (EPSG:4326, ``key`` its WKB), remembered per region."""
        if key not in self._inside:
            xy = shapely.get_coordinates(self.points)
            self._inside[key] = shapely.contains_xy(region, xy[:, 0], xy[:, 1])
        return self._inside[key]


def unique_rows(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of an ``(n, 2)`` float array, sorted as ``np.unique(xy, axis=0)`` sorts
    them, the first position of each, and each row's one: 8x faster than ``axis=0``, since each row
    is viewed as one complex number and sorted as a number."""
    values, first, inverse = np.unique(
        np.ascontiguousarray(xy, dtype=float).view(np.complex128).ravel(), return_index=True, return_inverse=True
    )
    return np.column_stack([values.real, values.imag]), first, inverse


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an ``(n, k)`` array, in the order they first appear: the position of
    each one's first row, and each row's position among them; as ``np.unique(rows, axis=0)`` but
    hashed (each row's bytes as one value), not sorted, so it is fast however many columns."""
    rows = np.ascontiguousarray(rows)
    whole = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    key, _ = pd.factorize(whole.astype(object))
    first = np.empty(key.max(initial=-1) + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key))[::-1]  # the first row of each key, written last
    return first, key


def map_title(events: pd.DataFrame, region_label: str) -> str:
    """A title from the data, for maps whose files carry none: the region ("Kharkiv oblast") and the span of dates."""
    days = events["date"]
    span = f"{days.min():%-d %B %Y} - {days.max():%-d %B %Y}" if len(days) else "no events"
    return f"{region_label}: control, {span}"


def grid_cell_deg(timeline: Timeline, max_cells: int, start_deg: float = 0.01) -> float:
    """The smallest cell size (``start_deg`` doubled as often as needed) giving at most ``max_cells`` cells."""
    xy = shapely.get_coordinates(timeline.points)
    deg = start_deg
    while len(unique_rows(np.floor(xy / deg))[0]) > max_cells:
        deg *= 2
    return deg


def grid_changes(timeline: Timeline, cell_deg: float) -> gpd.GeoDataFrame:
    """Control changes of grid cells, for the areas of a page of more places than it tessellates.

    Each square cell of ``cell_deg`` degrees is one place, at the mean point of
    its places, held on a day by whoever holds most of its places (``contested``
    on a tie), in the country of most of its places. A cell changes hands when that
    majority changes; the change's ``notes`` give the counts of that day.
    """
    xy = shapely.get_coordinates(timeline.points)
    cells, _, cell_of_place = unique_rows(np.floor(xy / cell_deg))
    cells = cells.astype(np.int64)
    changes = timeline.changes
    place = pd.Series(timeline.codes, index=changes.index)
    after = changes["control_after"]
    previous = after.groupby(place.to_numpy()).shift()  # the state each change ends
    deltas = pd.concat(
        [
            pd.DataFrame({"cell": cell_of_place[place], "date": changes["date"], "state": after, "n": 1}),
            pd.DataFrame({"cell": cell_of_place[place], "date": changes["date"], "state": previous, "n": -1}).dropna(),
        ]
    )
    counts = (
        deltas.pivot_table(index=["cell", "date"], columns="state", values="n", aggfunc="sum", fill_value=0)
        .reindex(columns=list(STATES), fill_value=0)
        .groupby(level="cell")
        .cumsum()
    )
    values = counts.to_numpy()
    top = np.sort(values, axis=1)
    majority = np.where(top[:, -1] == top[:, -2], "contested", np.array(STATES)[values.argmax(axis=1)])
    cell_ids = counts.index.get_level_values("cell").to_numpy()
    new_cell = np.r_[True, cell_ids[1:] != cell_ids[:-1]]
    before = np.where(new_cell, "unknown", np.roll(majority, 1))
    flips = new_cell | (majority != before)
    rows, cell_ids, dates = values[flips], cell_ids[flips], counts.index.get_level_values("date")[flips]
    centres = pd.DataFrame(xy).groupby(cell_of_place).mean().to_numpy()[cell_ids]
    russian = pd.Series(timeline.in_russia).groupby(cell_of_place).mean().to_numpy()[cell_ids] > 0.5
    totals = rows.sum(axis=1).tolist()
    return gpd.GeoDataFrame(
        {
            "id": [f"cell-{c}-{d}" for c, d in zip(cell_ids, dates.strftime("%Y%m%d"), strict=True)],
            "place": [
                f"{n} place{'s' * (n != 1)} near {y:.2f}, {x:.2f}" for n, (x, y) in zip(totals, centres, strict=True)
            ],
            "place_id": [f"cell:{cells[c][0]},{cells[c][1]}" for c in cell_ids],
            "date": dates,
            "date_precision": "day",
            "geo_precision": "approximate",
            "event_type": CONTROL_CHANGE,
            "country": np.where(russian, "RU", "UA"),
            "control_before": before[flips],
            "control_after": majority[flips],
            "confidence": "claimed",
            "notes": [
                "Places held on this day: " + ", ".join(f"{s} {int(n)}" for s, n in zip(STATES, r, strict=True) if n)
                for r in rows
            ],
            "sources": ["[]"] * len(rows),  # as JSON text, as in an events frame
        },
        geometry=shapely.points(centres),
        crs=timeline.crs,
    )


def control_on(events: gpd.GeoDataFrame, on: dt.date) -> gpd.GeoDataFrame:
    """Each place's state on ``on`` (see :meth:`Timeline.on`)."""
    return Timeline(events).on(on)


@dataclass(frozen=True)
class Tessellation:
    """Voronoi cells of a set of points, clipped to a region, and the edges they share."""

    cells: np.ndarray  # polygons in the equal-area CRS, in point order
    region: shapely.Geometry  # what the cells tile, in the equal-area CRS
    in_russia: np.ndarray | None = None  # which cells are places in Russia (None: none is)
    ukraine: shapely.Geometry | None = None  # the region's part in Ukraine (None: all of it)
    _shares: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @cached_property
    def areas_km2(self) -> np.ndarray:
        return shapely.area(self.cells) / 1e6

    def dissolve(self, which: np.ndarray) -> shapely.Geometry:
        """The cells ``which`` picks (a mask) as one shape: the cells of one Voronoi diagram (the
        places in Ukraine) by a coverage union, fast; those of places in Russia (cut to their
        reach, no longer a coverage) and the two together by a full union."""
        which = which & ~self._empty  # a cell clipped away entirely is an empty collection
        if self.in_russia is None or not (which & self.in_russia).any():
            return shapely.coverage_union_all(self.cells[which])
        abroad, home = self.cells[which & self.in_russia], which & ~self.in_russia
        if home.any():
            abroad = np.append(abroad, np.array([shapely.coverage_union_all(self.cells[home])], dtype=object))
        return shapely.union_all(abroad)

    @cached_property
    def _empty(self) -> np.ndarray:
        return shapely.is_empty(self.cells)

    def shares_km2(self, parts: np.ndarray, key: bytes | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What each cell shares with each of ``parts`` (polygons in the equal-area CRS, e.g. the
        oblasts of the region): ``(part, cell, km²)`` arrays, remembered per set of parts (``key``
        names it; default: the parts' WKB). A cell inside a part is all its own; only cells crossing
        a part's border are intersected (:func:`_intersections`)."""
        key = key or shapely.to_wkb(shapely.geometrycollections(parts))
        if key not in self._shares:
            shapely.prepare(parts)
            part, cell = shapely.STRtree(self.cells).query(parts, predicate="intersects")
            inside = shapely.contains_properly(parts[part], self.cells[cell])
            km2 = self.areas_km2[cell].copy()
            crossing = ~inside
            shares = _intersections(self.cells[cell[crossing]], parts[part[crossing]], part[crossing], key)
            km2[crossing] = shapely.area(shares) / 1e6
            self._shares[key] = (part, cell, km2)
        return self._shares[key]

    @cached_property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The edges two cells share: their ends, an ``(n, 2, 2)`` array, and each edge's two
        cells (``left``, ``right``).

        Neighbouring cells meet at the same vertices, so a shared edge is a segment found in
        two cells' rings: found by sorting every ring's segments, no two cells intersected. Each
        vertex is one complex number, so a segment is two numbers, its lesser end first.
        """
        parts, part_cell = shapely.get_parts(self.cells, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        xy, ring = shapely.get_coordinates(rings, return_index=True)
        vertex = xy.view(np.complex128).ravel()
        inner = ring[1:] == ring[:-1]  # consecutive vertices of one ring: a segment
        start, end = vertex[:-1][inner], vertex[1:][inner]
        low, high = np.minimum(start, end), np.maximum(start, end)  # complex order: x, then y
        order = np.lexsort((high, low))
        low, high, cell = low[order], high[order], part_cell[ring_part[ring[:-1][inner]]][order]
        twice = np.flatnonzero((low[1:] == low[:-1]) & (high[1:] == high[:-1]))
        segments = np.stack([low[twice], high[twice]], axis=1).view(float).reshape(-1, 2, 2)
        return segments, cell[twice], cell[twice + 1]


#: How far the cell of a place in Russia reaches, in km: the places known there are sparser than in
#: Ukraine, and a cell stretched across the gaps would show a town's state over a whole district.
RUSSIA_CELL_KM = 10.0


@cache
def _ukraine() -> shapely.Geometry:
    """Ukraine's outline in the equal-area CRS."""
    from conflictmap.places.boundaries import country_outline

    return to_equal_area(np.array([country_outline().union_all()]))[0]


@lru_cache(maxsize=8)
def _tessellate(points_wkb: bytes, region_wkb: bytes, russian: bytes = b"") -> Tessellation:
    """Tessellate a MultiPoint within a region (both WKB in the equal-area CRS).

    ``russian`` (bits, one per point; none: no point) marks the places in Russia: Ukraine's places
    tile the region's part in Ukraine and Russia's its part in Russia, so that no village's cell
    crosses the state border (where Russia has no place, its ground is in no cell: unknown, never
    Ukraine's); a Russian place's cell reaches no further than :data:`RUSSIA_CELL_KM`. Keyed by
    WKB, so that every day with the same set of places shares one tessellation.
    """
    points, region = shapely.get_parts(shapely.from_wkb(points_wkb)), shapely.from_wkb(region_wkb)
    in_russia = np.zeros(len(points), bool)
    if russian:
        in_russia = np.unpackbits(np.frombuffer(russian, np.uint8))[: len(points)].astype(bool)
    home, abroad = _in_and_out_of_ukraine(region_wkb)
    if not in_russia.any() and shapely.area(abroad) == 0:
        return Tessellation(_voronoi(points, region), region)
    cells = np.empty(len(points), dtype=object)  # Russia's ground with no place of its own: in no cell
    parts = ((~in_russia, home), (in_russia, abroad))
    for mine, part in parts:
        if mine.any():
            cells[mine] = _voronoi(points[mine], part) if not shapely.is_empty(part) else shapely.Polygon()
    reach = shapely.buffer(points[in_russia], RUSSIA_CELL_KM * 1000)
    cells[in_russia] = _polygonal(shapely.intersection(cells[in_russia], reach))
    return Tessellation(cells, region, in_russia, parts[0][1])


@lru_cache(maxsize=8)
def _in_and_out_of_ukraine(region_wkb: bytes) -> tuple[shapely.Geometry, shapely.Geometry]:
    """A region's part in Ukraine and its part outside (WKB and the result in the equal-area CRS),
    remembered: an overlay with the country's outline is slow, and every tessellation of a region
    needs it. Each part as polygons alone: the lines and points an overlay leaves beside them would
    make every cell's clip a slow overlay with a collection."""
    region, ukraine = shapely.from_wkb(region_wkb), _ukraine()
    home, abroad = _polygonal(
        np.array([shapely.intersection(region, ukraine), shapely.difference(region, ukraine)], dtype=object)
    )
    return home, abroad


def _voronoi(points: np.ndarray, region: shapely.Geometry) -> np.ndarray:
    """The Voronoi cells of ``points`` (in their order) clipped to ``region``."""
    if len(points) == 1:
        return _polygonal(np.array([region], dtype=object))  # a clipped region may hold lines too
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=region, ordered=True))
    shapely.prepare(region)
    crossing = ~shapely.contains_properly(region, cells)  # clip only the cells that cross the border
    clipped = _intersections(cells[crossing], region, np.zeros(crossing.sum(), int), shapely.to_wkb(region))
    cells[crossing] = _polygonal(clipped)
    return cells


@lru_cache(maxsize=16)
def _remembered(shapes_key: bytes) -> dict[tuple[bytes, int], shapely.Geometry]:
    """The intersections of cells with the shapes ``shapes_key`` names, by the cell's WKB and the shape."""
    return {}


def _intersections(
    cells: np.ndarray, shapes: shapely.Geometry | np.ndarray, which: np.ndarray, shapes_key: bytes
) -> np.ndarray:
    """``shapely.intersection(cells, shapes)`` (``shapes``: one, or one per cell, ``which`` of
    those ``shapes_key`` names), each remembered by the cell's WKB: the tessellations of
    consecutive days share most of their cells (a day's new places change only their neighbours'),
    so most intersections repeat."""
    memo = _remembered(shapes_key)
    keys = list(zip(shapely.to_wkb(cells).tolist(), which.tolist(), strict=True))
    found = [memo.get(key) for key in keys]
    out, todo = np.array(found, dtype=object), np.array([i for i, shape in enumerate(found) if shape is None], int)
    if len(todo):
        out[todo] = shapely.intersection(cells[todo], shapes[todo] if isinstance(shapes, np.ndarray) else shapes)
        memo.update(zip([keys[i] for i in todo], out[todo].tolist(), strict=True))
    return out


def _polygonal(cells: np.ndarray) -> np.ndarray:
    """Cells clipped by another shape, without the lines or points a clip can leave beside the
    polygons (a GeometryCollection keeps its polygons alone)."""
    for i in np.flatnonzero(shapely.get_type_id(cells) == 7):
        parts = shapely.get_parts(cells[i])
        cells[i] = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
    return cells


_EMPTY = Tessellation(np.empty(0, dtype=object), shapely.Polygon())


@dataclass
class ControlMap:
    """Control on one day within a region: each place's state, its cell, and what follows.

    Build it with :func:`control_map`; ``index`` are the places drawn (positions in the
    timeline's ``keys``), ``control`` their states, ``cells`` their cells, in that order.
    """

    on: dt.date
    timeline: Timeline
    index: np.ndarray
    last: np.ndarray
    tessellation: Tessellation
    _areas: dict[str, shapely.Geometry] = field(default_factory=dict, repr=False)

    @property
    def cells(self) -> np.ndarray:
        return self.tessellation.cells

    @cached_property
    def control(self) -> np.ndarray:
        return self.timeline._after[self.last[self.index]]

    @cached_property
    def codes(self) -> np.ndarray:
        """:attr:`control` as :func:`state_codes`."""
        return self.timeline._after_codes[self.last[self.index]]

    def states_on(self, day: dt.date) -> np.ndarray:
        """The state of each of this map's places on another ``day`` (``unknown`` where it had none)."""
        return self.timeline.states(day)[0][self.index]

    @cached_property
    def place_keys(self) -> np.ndarray:
        return self.timeline.keys[self.index]

    @cached_property
    def places(self) -> gpd.GeoDataFrame:
        """``place_key``, ``place``, ``control``, ``since`` and the point (EPSG:4326) of each place drawn."""
        return self.timeline.places_frame(self.index, self.last)

    def settlements(self) -> dict[str, int]:
        """Number of places per state (UA, RU, contested, unknown)."""
        return {state: int((self.control == state).sum()) for state in STATES}

    def controlled_km2(self) -> dict[str, float]:
        """Area of the cells held by each side, in km²."""
        areas = self.tessellation.areas_km2
        return {s: round(float(areas[self.control == s].sum()), 1) for s in ("UA", "RU", "contested")}

    def controlled_km2_in(self, parts: np.ndarray, key: bytes | None = None) -> list[dict[str, float]]:
        """:meth:`controlled_km2` within each of ``parts`` (polygons in the equal-area CRS; ``key``
        names them, as :meth:`Tessellation.shares_km2` takes it)."""
        part, cell, km2 = self.tessellation.shares_km2(parts, key)
        n = len(STATES)
        sums = np.bincount(part * n + self.codes[cell], km2, len(parts) * n).reshape(-1, n)
        return [{s: round(float(row[c]), 1) for c, s in enumerate(STATES[:3])} for row in sums]

    def area_of(self, controller: str) -> shapely.Geometry:
        """The ground of this war ``controller`` holds, its cells dissolved (EPSG:3035), remembered:
        Russia's is the ground of Ukraine it holds (its own ground is no control area), Ukraine's
        the ground it holds in Ukraine and in Russia; ground no place tells about is in none.

        The cells tile the region without overlaps, so a coverage union dissolves them; Ukraine's
        ground in Ukraine, most of the cells as a rule, is the region's part in Ukraine less the
        others' cells there.
        """
        if controller not in self._areas:
            tessellation = self.tessellation
            mine = self.control == controller
            home = ~tessellation.in_russia if tessellation.in_russia is not None else np.ones(len(mine), bool)
            if controller == "RU":
                mine &= home
            if controller == "UA" and (mine & home).any():
                ukraine = tessellation.region if tessellation.ukraine is None else tessellation.ukraine
                held = shapely.difference(ukraine, tessellation.dissolve(home & ~mine))
                if (mine & ~home).any():
                    held = shapely.union(held, tessellation.dissolve(mine & ~home))
                self._areas[controller] = held
            else:
                self._areas[controller] = tessellation.dissolve(mine)
        return self._areas[controller]

    def held_areas(self) -> tuple[list[str], np.ndarray]:
        """The controllers holding ground of this war and, for each, its area (:meth:`area_of`)."""
        areas = {c: self.area_of(c) for c in ("UA", "RU", "contested") if (self.control == c).any()}
        held = [c for c, area in areas.items() if not shapely.is_empty(area)]
        return held, np.array([areas[c] for c in held], dtype=object)

    def areas(self) -> gpd.GeoDataFrame:
        """Control areas (:meth:`held_areas`, EPSG:4326, each valid), with ``area_km2``."""
        held, shapes = self.held_areas()
        areas = [round(float(shapely.area(g)) / 1e6, 1) for g in shapes]
        frame = gpd.GeoDataFrame({"controller": held, "area_km2": areas}, geometry=shapes, crs=settings.EQUAL_AREA_CRS)
        frame = frame.to_crs(settings.GEOGRAPHIC_CRS)
        return frame.set_geometry(_polygonal(shapely.make_valid(frame.geometry.to_numpy())))

    def frontline(self) -> shapely.Geometry:
        """The boundary shared by Ukrainian- and Russian-held cells (EPSG:3035), merged into lines."""
        segments = self._front_segments()
        if len(segments) == 0:
            return shapely.MultiLineString([])
        return shapely.line_merge(shapely.multilinestrings(shapely.linestrings(segments)))  # no noding needed

    def frontline_km(self) -> float:
        """The length of :meth:`frontline`, in km (one decimal), summed over its segments: no lines merged."""
        segments = self._front_segments()
        return _km(np.hypot(*(segments[:, 1] - segments[:, 0]).T).sum())

    def _front_segments(self) -> np.ndarray:
        """The edges of :attr:`Tessellation.edges` between a Ukrainian- and a Russian-held cell; across
        the state border only where one of the two is held by the other country (not the border itself)."""
        segments, left, right = self.tessellation.edges
        a, b = self.codes[left], self.codes[right]
        front = ((a == UA) & (b == RU)) | ((a == RU) & (b == UA))
        russian = self.tessellation.in_russia
        if russian is not None:
            away = np.where(russian, self.codes == UA, self.codes == RU)  # held by the other country
            front &= (russian[left] == russian[right]) | away[left] | away[right]
        return segments[front]

    def shapes(self) -> gpd.GeoDataFrame:
        """The front line, then the control areas (EPSG:4326).

        Columns ``kind`` (frontline | area), ``controller`` and ``area_km2`` (areas),
        ``length_km`` (the line).
        """
        line = self.frontline()
        frame = gpd.GeoDataFrame(
            {"kind": ["frontline"], "length_km": [_km(shapely.length(line))]},
            geometry=[line],
            crs=settings.EQUAL_AREA_CRS,
        ).to_crs(settings.GEOGRAPHIC_CRS)
        return pd.concat([frame, self.areas().assign(kind="area")], ignore_index=True)


def smooth_lines(lines: shapely.Geometry, tolerance_m: float = 1_000.0, iterations: int = 3) -> shapely.Geometry:
    """Lines (EPSG:3035) for drawing: the sawtooth of cell edges simplified away (``tolerance_m``),
    then the corners cut (Chaikin, ``iterations`` times, all parts at once); the ends stay."""
    parts = shapely.get_parts(shapely.simplify(lines, tolerance_m))
    if len(parts) == 0:
        return shapely.MultiLineString([])
    xy, part = shapely.get_coordinates(parts, return_index=True)
    for _ in range(iterations):
        inner = part[:-1] == part[1:]  # consecutive points of one part: a segment to cut
        a, b = xy[:-1][inner], xy[1:][inner]
        first = np.r_[True, part[1:] != part[:-1]]  # each part's ends are kept
        last = np.r_[part[1:] != part[:-1], True]
        order = np.concatenate(
            [
                np.flatnonzero(first) * 2.0,
                np.flatnonzero(inner) * 2.0 + 0.5,
                np.flatnonzero(inner) * 2.0 + 1.0,
                np.flatnonzero(last) * 2.0 + 1.5,
            ]
        )
        points = np.concatenate([xy[first], 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, xy[last]])
        owners = np.concatenate([part[first], part[:-1][inner], part[:-1][inner], part[last]])
        sort = np.argsort(order, kind="stable")
        xy, part = points[sort], owners[sort]
    return shapely.multilinestrings(shapely.linestrings(xy, indices=part))


def _km(metres: float) -> float:
    """A length in the equal-area CRS, in km (one decimal)."""
    return round(float(metres) / 1000, 1)


@lru_cache(maxsize=8)
def _projected_wkb(region_wkb: bytes) -> bytes:
    """A region (WKB, EPSG:4326) in the equal-area CRS, as WKB: projected once per region."""
    return shapely.to_wkb(to_equal_area(shapely.from_wkb(region_wkb)))


def control_map(events: gpd.GeoDataFrame | Timeline, on: dt.date, region: shapely.Geometry) -> ControlMap:
    """Control on ``on`` within ``region`` (a polygon in EPSG:4326).

    Pass a :class:`Timeline` to look up many days of the same events quickly.
    Places reported at the same point (to 1 m) share one cell: the first one's state wins.
    """
    timeline = events if isinstance(events, Timeline) else Timeline(events)
    has_state, last = timeline.latest(on)
    region_wkb = shapely.to_wkb(region)
    index, tessellation = timeline.cells_of(has_state & timeline.inside(region, region_wkb), region_wkb)
    return ControlMap(on, timeline, index, last, tessellation)


def in_ukraine(cmap: ControlMap) -> np.ndarray:
    """Which of the map's places are in Ukraine: the ground that can be retaken (what Ukraine takes
    in Russia is taken, not retaken)."""
    russian = cmap.tessellation.in_russia
    return np.ones(len(cmap.control), bool) if russian is None else ~russian


def _held_in_ukraine(cmap: ControlMap, controller: str) -> np.ndarray:
    """Which of the map's places in Ukraine ``controller`` holds."""
    return (cmap.control == controller) & in_ukraine(cmap)


def recaptured_area(before: ControlMap, after: ControlMap) -> shapely.Geometry:
    """The ground of Ukraine held by Russia in ``before`` and by Ukraine in ``after`` (EPSG:3035)."""
    was_ru, now_ua = _held_in_ukraine(before, "RU"), _held_in_ukraine(after, "UA")
    if before.tessellation is after.tessellation:  # the same places: compare cell by cell
        return after.tessellation.dissolve(was_ru & now_ua)
    if before.tessellation.in_russia is None and after.tessellation.in_russia is None:
        return shapely.intersection(before.area_of("RU"), after.area_of("UA"))  # remembered, dissolved once
    return shapely.intersection(before.tessellation.dissolve(was_ru), after.tessellation.dissolve(now_ua))


def recaptured_km2(before: ControlMap, after: ControlMap) -> float:
    """The area of :func:`recaptured_area`, in km², without dissolving it (:func:`overlap_km2`)."""
    was_ru, now_ua = _held_in_ukraine(before, "RU"), _held_in_ukraine(after, "UA")
    if before.tessellation is after.tessellation:
        return float(after.tessellation.areas_km2[was_ru & now_ua].sum())
    return overlap_km2(before.tessellation, was_ru, after.tessellation, now_ua)


def overlap_km2(
    first: Tessellation,
    a: np.ndarray,
    second: Tessellation,
    b: np.ndarray,
    complements: tuple[bool, bool] | None = None,
) -> float:
    """The area the cells ``a`` (a mask) of one tessellation share with the cells ``b`` of another
    of the same region, in km²: what each pair of cells shares, summed.

    The cells of a tessellation tile its region, so the area can also be found through the other
    cells of either (``complements``: which; by default the choice whose two sets of cells have
    the smallest product of counts, a measure of the pairs to intersect): ``a`` shares with ``b``
    all of ``b`` less what the other cells of ``first`` share with it.
    """
    counts = {(p, q): np.count_nonzero(a ^ p) * np.count_nonzero(b ^ q) for p in (False, True) for q in (False, True)}
    p, q = complements or min(counts, key=counts.__getitem__)
    x, y = first.cells[a ^ p], second.cells[b ^ q]
    pairs = shapely.STRtree(x).query(y, predicate="intersects")
    shared = float(shapely.area(shapely.intersection(y[pairs[0]], x[pairs[1]])).sum()) / 1e6
    if not (p or q):
        return shared
    area_a, area_b = float(first.areas_km2[a].sum()), float(second.areas_km2[b].sum())
    if p and q:  # the region less the others of both
        return area_a + area_b - float(first.areas_km2.sum()) + shared
    return (area_b if p else area_a) - shared


def recaptured(before: ControlMap, after: ControlMap) -> tuple[int, float]:
    """Places and km² of Ukraine held by Russia in ``before`` and by Ukraine in ``after`` (two days of one timeline)."""
    if before.timeline is not after.timeline:
        raise ValueError("recaptured compares two days of one timeline")
    was_ru, now_ua = _held_in_ukraine(before, "RU"), _held_in_ukraine(after, "UA")
    settlements = int(np.isin(after.index[now_ua], before.index[was_ru]).sum())  # places by position
    return settlements, round(recaptured_km2(before, after), 1)


def territory_stats(
    events: gpd.GeoDataFrame | Timeline, on: dt.date, since: dt.date | None, region: shapely.Geometry
) -> dict[str, object]:
    """The figures of ``conflictmap stats``: settlements, km² held and recaptured, front-line km.

    ``recaptured_*`` count what Russia held on ``since`` and Ukraine holds on ``on``
    (zero without ``since``). Pass a :class:`Timeline` to share it with other figures.
    """
    timeline = events if isinstance(events, Timeline) else Timeline(events)
    now = control_map(timeline, on, region)
    settlements, km2 = recaptured(control_map(timeline, since, region), now) if since else (0, 0.0)
    return {
        "date": on.isoformat(),
        "since": since.isoformat() if since else None,
        "settlements": now.settlements(),
        "recaptured_settlements": settlements,
        "recaptured_km2": km2,
        "controlled_km2": now.controlled_km2(),
        "frontline_km": now.frontline_km(),
    }
