"""Still images of control on a day, for print and social posts: matplotlib, no browser.

The picture is the interactive map's, frozen on one day and drawn in the equal-area CRS
(EPSG:3035, so shapes and areas are true): the lands around the region, the control areas, the
ground retaken since a day (hatched), the smoothed front line, the settlements coloured by who
held them, the main towns, a legend, the title and date, and a footer naming the sources.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from conflictmap import settings
from conflictmap._io import atomic_writer
from conflictmap.control.figures import day_figures, held_by_country, period_figures
from conflictmap.control.territory import (
    ControlMap,
    Timeline,
    control_map,
    map_title,
    recaptured_area,
    smooth_lines,
    to_equal_area,
)
from conflictmap.errors import ConflictmapError
from conflictmap.events.frame import sources_of
from conflictmap.places.boundaries import context_around, region_polygon

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from conflictmap.dataset import Dataset

FORMATS = {".png": "png", ".svg": "svg"}
COLOURS = settings.CONTROL_COLOURS
LABELS = settings.CONTROL_LABELS
#: Dots per inch: ``width`` pixels make ``width / DPI`` inches.
DPI = 150


def _series(geometries: list[shapely.Geometry] | np.ndarray) -> gpd.GeoSeries:
    return gpd.GeoSeries(np.asarray(geometries, dtype=object), crs=settings.EQUAL_AREA_CRS)


def _sources_line(events: gpd.GeoDataFrame) -> str:
    """Who the events cite, layer by layer: the publishers of the reports, the maps' publishers."""
    parts = []
    for layer, rows in events.groupby(events["layer"].fillna("reports"), sort=True):
        publishers = sorted({s["publisher"] for text in rows["sources"] for s in sources_of(text)})
        shown = ", ".join(publishers[:6]) + (f" and {len(publishers) - 6} more" if len(publishers) > 6 else "")
        parts.append(f"{layer}: {len(rows):,} events ({shown})")
    return "Sources: " + "; ".join(parts) + "."


def render_image(
    data: Dataset,
    out: str | Path,
    on: dt.date | None = None,
    since: dt.date | None = None,
    title: str | None = None,
    width: int = 1600,
) -> Path:
    """Draw control on ``on`` and write it to ``out`` (``.png`` or ``.svg``, atomically).

    ``on``, ``since`` and ``title`` default to the event files' metadata
    (:attr:`~conflictmap.dataset.Dataset.metadata`), then to the last day with a change, the first
    one, and a title from the data. ``width`` is in pixels (the SVG's at 150 dpi). The regions
    drawn and measured are ``data``'s extent.

    Raises
    ------
    ConflictmapError
        for an unknown format, a folder that does not exist, an unknown region, or events
        with no control change.
    """
    out = Path(out)
    fmt = _format_of(out)
    events = data.events
    timeline = Timeline(events) if len(events) else None
    if timeline is None or len(timeline.changes) == 0:
        raise ConflictmapError(f"{data.label}: no control changes to draw")
    days = timeline.changes["date"]
    on = data.day(on, "date") or days.max().date()
    since = data.day(since, "since") or days.min().date()
    extent = data.extent
    title = data.title(title) or map_title(events, extent.label)
    figures = day_figures(timeline, on, None, extent, data.measured_alone)
    return _save(_draw(timeline, events, extent.polygon, on, since, title, width, figures), out, fmt)


def _format_of(out: Path) -> str:
    """The image format of ``out``'s suffix, for a file that can be written there."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ConflictmapError(f"{out}: write a .png or .svg file")
    if not out.parent.is_dir():
        raise ConflictmapError(f"{out}: the folder does not exist")
    return fmt


def _save(figure: Figure, out: Path, fmt: str) -> Path:
    """Write ``figure`` to ``out`` atomically, and let it go."""
    try:
        with atomic_writer(out) as handle:
            figure.savefig(handle, format=fmt, dpi=DPI)
    except OSError as exc:
        raise ConflictmapError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return out


def render_chart(
    data: Dataset,
    out: str | Path,
    by: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    title: str | None = None,
    width: int = 1600,
) -> Path:
    """Draw the ground each side gained per week or month as a bar chart (``.png`` or ``.svg``),
    for print: :func:`conflictmap.control.figures.period_figures`, measured by the map where its
    events alone count, else estimated, as the chart says.

    Raises
    ------
    ConflictmapError
        for an unknown format, a folder that does not exist, an unknown region or period, or
        events with no control change.
    """
    out = Path(out)
    fmt = _format_of(out)
    events = data.events
    if events.empty:
        raise ConflictmapError(f"{data.label}: no control changes to draw")
    extent = data.extent
    days = events["date"]
    rows = period_figures(
        events, since or days.min().date(), until or days.max().date(), by, extent, data.measured_alone
    )
    title = title or f"{extent.label}: ground gained per {by}"
    return _save(_draw_bars(rows, by, title, width, _sources_line(events)), out, fmt)


def _draw_bars(rows: list[dict], by: str, title: str, width: int, sources: str) -> Figure:
    """Russia's gains up, Ukraine's down, one pair of bars a period; the periods whose two ends
    were measured differently (no gain to tell) are left blank."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = width / DPI * 0.5
    figure, axes = plt.subplots(figsize=(width / DPI, height), dpi=DPI)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.82, bottom=0.22)
    x = np.arange(len(rows))
    gained = [r["gained_km2"] or {} for r in rows]
    russia = [np.nan if g.get("RU") is None else g["RU"] for g in gained]
    ukraine = [np.nan if g.get("UA") is None else -g["UA"] for g in gained]
    axes.bar(x, russia, color=COLOURS["RU"], label="gained by Russia")
    axes.bar(x, ukraine, color=COLOURS["UA"], label="gained by Ukraine")
    axes.axhline(0, color="#333333", linewidth=0.8)
    step = max(1, len(rows) // 24)
    axes.set_xticks(
        x[::step],
        [r["date"][:7] if by == "month" else r["date"] for r in rows][::step],
        rotation=60,
        ha="right",
        fontsize=7,
    )
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
    axes.set_ylabel("km² gained")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper right", fontsize=8, frameon=False)
    how = {r["areas"] for r in rows}
    measured = {
        frozenset({"measured"}): "measured by the map itself",
        frozenset({"estimated"}): "estimated from the settlements' Voronoi cells",
    }.get(frozenset(how), "measured by the map where it can, else estimated")
    figure.text(0.01, 0.97, title, fontsize=14, fontweight="bold", va="top")
    span = f"{rows[0]['date']} to {rows[-1]['until']}"
    figure.text(
        0.01,
        0.9,
        f"Net growth of each side's ground per {by}, {span}; km² {measured}",
        fontsize=9,
        color="#333333",
        va="top",
    )
    figure.text(0.01, 0.02, sources + " Made with conflictmap.", fontsize=6.5, color="#555555", va="bottom")
    return figure


#: Heights of the title block above the map and of the footer below it, in inches.
HEADER_IN, FOOTER_IN = 0.9, 0.6


def _draw(
    timeline: Timeline,
    events: gpd.GeoDataFrame,
    region: shapely.Geometry,
    on: dt.date,
    since: dt.date,
    title: str,
    width: int,
    figures: dict,
) -> Figure:
    """The figure: title block, map, legend (the km² of ``figures``,
    :func:`conflictmap.control.figures.day_figures`), footer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    now, base = control_map(timeline, on, region), control_map(timeline, since, region)
    view = shapely.bounds(shapely.buffer(to_equal_area(region), 15_000))
    map_in = width / DPI * (view[3] - view[1]) / (view[2] - view[0])
    height = HEADER_IN + map_in + FOOTER_IN
    figure = plt.figure(figsize=(width / DPI, height), dpi=DPI)
    axes = figure.add_axes((0.0, FOOTER_IN / height, 1.0, map_in / height))
    axes.set_axis_off()
    axes.set_xlim(view[0], view[2])
    axes.set_ylim(view[1], view[3])
    retaken = recaptured_area(base, now)
    _draw_map(axes, timeline, now, region, retaken, shapely.box(*view))
    _draw_legend(axes, now, retaken, since, figures)
    figure.text(0.012, 1 - 0.22 / height, title, fontsize=15, fontweight="bold", va="top")
    figure.text(0.012, 1 - 0.6 / height, f"Control on {on:%-d %B %Y}", fontsize=11, va="top", color="#333333")
    measured = figures.get("areas_snapshot")
    km2 = f"km² held: measured by the map of {measured['date']}" if measured else "km²: of those cells (an estimate)"
    footer = (
        f"{_sources_line(events)}\n{settings.PLACES_CREDIT} Outlines: Natural Earth. Areas: "
        f"Voronoi cells of the settlements with a known state (an estimate); {km2}. Made with conflictmap."
    )
    figure.text(0.012, 0.1 / height, footer, fontsize=6.5, color="#555555", va="bottom", wrap=True)
    return figure


def _draw_map(
    axes: Axes,
    timeline: Timeline,
    now: ControlMap,
    region: shapely.Geometry,
    retaken: shapely.Geometry,
    view: shapely.Geometry,
) -> None:
    """Lands around, control areas, retaken ground, outlines, front line, settlements, towns (EPSG:3035)."""
    lands, places = context_around(region)
    lands = lands.to_crs(settings.EQUAL_AREA_CRS)
    abroad = lands[lands["country"] != "UA"]
    lands[lands["country"] == "UA"].plot(ax=axes, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.6)
    abroad.plot(ax=axes, color="#e4e4e4", edgecolor="#bbbbbb", linewidth=0.6)
    for controller, shape in zip(*now.held_areas(), strict=True):
        _series([shape]).plot(ax=axes, color=COLOURS[controller], alpha=0.22, linewidth=0)
    if (now.control == "unknown").any():
        unknown = now.tessellation.dissolve(now.control == "unknown")
        _series([unknown]).plot(ax=axes, color=COLOURS["unknown"], alpha=0.18, linewidth=0)
    if not shapely.is_empty(retaken):
        _series([retaken]).plot(ax=axes, facecolor="none", edgecolor="#b38f00", hatch="////", linewidth=0)
    _series([to_equal_area(region)]).boundary.plot(ax=axes, color="#555555", linewidth=0.8, linestyle=(0, (4, 2)))
    border = shapely.intersection(to_equal_area(region_polygon(None)).boundary, view)
    _series([border]).plot(ax=axes, color="#333333", linewidth=1.4)
    line = smooth_lines(now.frontline())
    if not shapely.is_empty(line):
        _series([line]).plot(ax=axes, color="#111111", linewidth=2.2, linestyle=(0, (5, 3)))
    xy = timeline.projected_xy[now.index]
    axes.scatter(
        xy[:, 0],
        xy[:, 1],
        s=5,
        c=[COLOURS.get(c, "#ffffff") for c in now.control],
        edgecolors="#222222",
        linewidths=0.2,
        zorder=3,
    )
    for name, country, shape in abroad[["name", "country", "geometry"]].itertuples(index=False):
        shown = shapely.intersection(shape, view)
        if shapely.area(shown) > 2e9:  # 2,000 km² in view: room for a name
            at = shapely.point_on_surface(shown)
            axes.annotate(
                f"{name}\n({'Russia' if country == 'RU' else country})",
                (at.x, at.y),
                ha="center",
                va="center",
                fontsize=7,
                color="#888888",
                style="italic",
            )
    towns = places[places["population"] >= 30_000].to_crs(settings.EQUAL_AREA_CRS)
    towns = towns[towns.within(view)]
    axes.scatter(towns.geometry.x, towns.geometry.y, s=6, marker="s", color="#111111", zorder=4)
    for name, point in towns[["name", "geometry"]].itertuples(index=False):
        axes.annotate(name, (point.x, point.y), xytext=(3, 3), textcoords="offset points", fontsize=7, zorder=4)


def _draw_legend(axes: Axes, now: ControlMap, retaken: shapely.Geometry, since: dt.date, figures: dict) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    held = held_by_country(figures)
    how = " (measured)" if figures["areas"] == "measured" else ""

    def label(side: str) -> str:
        abroad = f", {held['RU'][side]:,.0f} km² in Russia" if side == "UA" and held["RU"][side] else ""
        in_ukraine = " in Ukraine" if any(held["RU"].values()) else ""
        return f"{LABELS[side]}: {held['UA'][side]:,.0f} km²{in_ukraine}{abroad}{how}"

    handles: list[Artist] = [
        Patch(facecolor=COLOURS[c], alpha=0.5, label=label(c))
        for c in ("UA", "RU", "contested")
        if held["UA"][c] or held["RU"][c]
    ]
    if (now.control == "unknown").any():
        handles.append(Patch(facecolor=COLOURS["unknown"], alpha=0.4, label=LABELS["unknown"]))
    handles += [
        Patch(
            facecolor="none",
            edgecolor="#b38f00",
            hatch="////",
            label=f"retaken since {since:%-d %b %Y}: {shapely.area(retaken) / 1e6:,.0f} km²",
        ),
        Line2D([], [], color="#111111", linewidth=2.2, linestyle=(0, (5, 3)), label="front line"),
        Line2D([], [], color="#333333", linewidth=1.4, label="state border"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=4,
            markerfacecolor="#cccccc",
            markeredgecolor="#222222",
            label=f"settlements ({len(now.index):,}), coloured by who held them",
        ),
    ]
    axes.legend(handles=handles, loc="lower left", fontsize=7.5, frameon=True, framealpha=0.9)
