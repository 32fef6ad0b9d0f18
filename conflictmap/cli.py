"""The ``conflictmap`` command: thin commands over the library.

Each command parses its options, calls one library function and formats the
result. A user's mistake ends in one ``Error: ...`` line and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, overload

import typer

from conflictmap import settings
from conflictmap.errors import ConflictmapError, GeocodeError
from conflictmap.vocab import Confidence, Control, DatePrecision, Layer

if TYPE_CHECKING:  # heavy imports stay out of the command's start-up
    from conflictmap.analysis import PlaceStory
    from conflictmap.dataset import Dataset
    from conflictmap.importers.pipelines import Imported

app = typer.Typer(
    help="Map who controls what in a war, one sourced event at a time.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
)

EXIT_INVALID = 2


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print one ``Error:`` line to stderr and exit with ``code``."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(code: int = EXIT_INVALID) -> Iterator[None]:
    """Turn library errors a user can cause into one line and an exit code."""
    try:
        yield
    except ConflictmapError as exc:
        fail(str(exc), code)


@overload
def parse_day(value: str, option: str) -> dt.date: ...
@overload
def parse_day(value: None, option: str) -> None: ...
@overload
def parse_day(value: str | None, option: str) -> dt.date | None: ...
def parse_day(value: str | None, option: str) -> dt.date | None:
    """Parse an optional ``YYYY-MM-DD`` option or fail with one line."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date as YYYY-MM-DD")


def default_events() -> Path:
    return settings.data_dir() / "events"


#: ``--events``, which may be repeated: the files and folders given are read together.
EventsOption = Annotated[
    list[Path] | None,
    typer.Option("--events", help="Event file or folder; repeat it to read several together [default: data/events]."),
]


class Period(str, Enum):
    week = "week"
    month = "month"


RegionOption = Annotated[
    str | None,
    typer.Option(
        help="Oblasts by any spelling, comma-separated (Kharkiv,Donetsk), Ukraine, or a Russian border oblast "
        "(Kursk, Belgorod, Bryansk) [default: the regions the events cover].",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Go on although validate finds errors in the event files (a warning says so).")
]
LayerOption = Annotated[Layer | None, typer.Option(help="Only events of this layer of sources.")]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Only events with a source whose publisher contains TEXT.")
]


@app.command()
def add(
    file: Annotated[Path, typer.Option("--file", help="Event file to append to (created if missing).")],
    place: Annotated[str, typer.Option(help="Place name as reported.")],
    date: Annotated[str, typer.Option(help="Date of the event, YYYY-MM-DD.")],
    control_before: Annotated[Control, typer.Option(help="Who held the place before.")],
    control_after: Annotated[Control, typer.Option(help="Who holds it after.")],
    source_url: Annotated[str, typer.Option(help="http(s) URL of the source.")],
    source_publisher: Annotated[str, typer.Option(help="Publisher of the source.")],
    source_published: Annotated[str, typer.Option(help="Publication date of the source, YYYY-MM-DD.")],
    lat: Annotated[float | None, typer.Option(help="Latitude (WGS 84).")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude (WGS 84).")] = None,
    place_id: Annotated[
        str | None, typer.Option(help="Gazetteer id to place the event at, e.g. geonames:712926 (see geocode).")
    ] = None,
    event_type: Annotated[str, typer.Option(help="control_change, clash, strike, ...")] = "control_change",
    confidence: Annotated[Confidence, typer.Option()] = Confidence.CLAIMED,
    source_title: Annotated[str | None, typer.Option(help="Title of the source.")] = None,
    source_quote: Annotated[str | None, typer.Option(help="Short quote supporting the event.")] = None,
    note: Annotated[str | None, typer.Option(help="Free-text note.")] = None,
    date_precision: Annotated[DatePrecision, typer.Option()] = DatePrecision.DAY,
    admin1: Annotated[str | None, typer.Option(help="Oblast, e.g. Kharkiv.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code, e.g. UA.")] = None,
) -> None:
    """Append one event to FILE, with a generated stable id.

    Without --lat/--lon the place is looked up in the offline gazetteer (with
    --admin1 as the region hint); an unknown or ambiguous name is an error,
    which lists the candidates' ids: --place-id picks one of them. An event
    `validate` would refuse (a future date, a swapped point, an oblast no one
    knows) is not written.

    Example:

        conflictmap add --file data/events/mine.geojson --place Balakliia
        --date 2022-09-08 --control-before RU --control-after UA
        --source-url https://example.org/story --source-publisher "Example News"
        --source-published 2022-09-08 --lat 49.4627 --lon 36.8586
    """
    from conflictmap.editing import add_event

    if (lat is None) != (lon is None):
        fail("give both --lat and --lon, or neither")
    if place_id is not None and lat is not None:
        fail("give --place-id or --lat and --lon, not both")
    source: dict[str, str | None] = {"publisher": source_publisher, "url": source_url}
    source |= {"published": source_published, "title": source_title, "quote": source_quote}
    with user_errors():
        feature = add_event(
            file,
            place,
            parse_day(date, "--date"),
            [{k: v for k, v in source.items() if v is not None}],
            lon=lon,
            lat=lat,
            place_id=place_id,
            admin1=admin1,
            country=country,
            date_precision=date_precision.value,
            event_type=event_type,
            control_before=control_before.value,
            control_after=control_after.value,
            confidence=confidence.value,
            notes=note,
        )
    typer.echo(f"added {feature['id']} to {file}")


@app.command("list")
def list_events(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Event files or folders, read together [default: data/events].")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only events on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Only events on or before this date.")] = None,
    place: Annotated[
        str | None,
        typer.Option(help="Only events of this place, found as geocode finds names (else: whose name contains TEXT)."),
    ] = None,
    layer: LayerOption = None,
    source: SourceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON feature per line (every event).")] = False,
    limit: Annotated[int, typer.Option(min=0, help="Rows of the table at most; 0 for all.")] = 1000,
) -> None:
    """List events as a table, or as JSON lines.

    Example: conflictmap list data/events --since 2022-09-06 --place kup --layer reports
    """
    from conflictmap.analysis import place_test
    from conflictmap.events.store import read_features, select_features

    with user_errors():
        test = place_test(place) if place else None
        features = select_features(
            read_features(paths or [default_events()], lazy=True),
            since=parse_day(since, "--since"),
            until=parse_day(until, "--until"),
            place=None if test else place,
            layer=layer.value if layer else None,
            source=source,
            test=test,
        )
    if as_json:
        for feature in features:
            typer.echo(json.dumps(feature, ensure_ascii=False))
    else:
        _print_events(features, limit)


def _print_events(features: Sequence[dict[str, Any]], limit: int) -> None:
    """The first ``limit`` events (all with 0) as a table, and how many there are."""
    from rich.console import Console
    from rich.table import Table

    shown = features[:limit] if limit else features
    table = Table("date", "place", "change", "confidence", "layer", "sources", "id")
    for f in shown:
        p = f["properties"]
        change = f"{p.get('control_before', '')} -> {p.get('control_after', '')}"
        change = change if p.get("control_after") else p.get("event_type", "")
        layer_name = p.get("layer", Layer.REPORTS.value)
        table.add_row(
            p["date"], p["place"], change, p.get("confidence", "claimed"), layer_name, str(len(p["sources"])), f["id"]
        )
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)  # piped: nothing cut
    more = f" (the first {len(shown):,} shown; --limit 0 for all, or --json)" if len(shown) < len(features) else ""
    typer.echo(f"{len(features)} events{more}")


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Event files or folders [default: data/events].")] = None,
) -> None:
    """Check event files: schema, ids, coordinates, dates against their sources.

    Prints each problem as `file: feature: field: severity: message`. Exit code
    0 when there are no errors (warnings allowed), 1 with errors, 2 when a file
    cannot be read or parsed.

    Example: conflictmap validate data/events
    """
    from conflictmap.events.checks import check_files
    from conflictmap.events.store import event_files

    with user_errors():
        files = event_files(paths or [default_events()])
    problems, events, unreadable = check_files(files)
    for exc in unreadable:
        typer.echo(f"{exc}", err=True)
    for problem in problems:
        typer.echo(str(problem), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    typer.echo(
        f"{len(files)} files, {events} events: {errors} errors, {warnings} warnings"
        + (f", {len(unreadable)} unreadable files" if unreadable else "")
    )
    if unreadable:
        raise typer.Exit(2)
    if errors:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of an event file.

    Example: conflictmap schema > event-file.schema.json
    """
    from conflictmap.events.model import event_file_schema

    typer.echo(json.dumps(event_file_schema(), indent=2, ensure_ascii=False))


@app.command()
def render(
    events: EventsOption = None,
    out: Annotated[Path | None, typer.Option(help="HTML file to write [default: maps/<name>.html].")] = None,
    date: Annotated[str | None, typer.Option(help="Show control on this date [default: last event].")] = None,
    title: Annotated[str | None, typer.Option(help="Title shown on the map.")] = None,
    cdn: Annotated[
        bool,
        typer.Option("--cdn", help="Link Leaflet from a CDN instead of inlining it (smaller file, needs network)."),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Count the ground retaken from this day [default: the first day with a change]."),
    ] = None,
    region: RegionOption = None,
    layer: LayerOption = None,
    source: SourceOption = None,
    force: ForceOption = False,
) -> None:
    """Render an interactive HTML map of the events, working offline by default.

    Settlements are coloured by who held them on the chosen day; a slider steps
    through the days, redrawing the control areas and the front line.

    Example: conflictmap render --events data/events --date 2022-09-10 --out maps/kharkiv-09-10.html
    """
    from conflictmap.render.page import render_map

    with user_errors():
        data = _open(events, layer, source, region, force=force)
        written = render_map(
            data,
            out or data.default_map_path(),
            on=parse_day(date, "--date"),
            title=title,
            cdn=cdn,
            progress=True,
            since=parse_day(since, "--since"),
        )
    typer.echo(f"wrote {written}")


@app.command()
def image(
    out: Annotated[Path, typer.Option("--out", help="Image to write: .png or .svg.")],
    events: EventsOption = None,
    date: Annotated[
        str | None, typer.Option(help="Day shown [default: the files' own, else the last day with a change].")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Count the ground retaken from this day [default: the files' own, else the first]."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title [default: the files' own, else from the data].")] = None,
    width: Annotated[int, typer.Option(min=600, max=8000, help="Width in pixels.")] = 1600,
    region: RegionOption = None,
    by: Annotated[
        Period | None, typer.Option(help="Draw the ground each side gained per week or month as bars, not a map.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="With --by: the last day [default: the last change].")] = None,
    force: ForceOption = False,
) -> None:
    """Draw a still map of one day (PNG or SVG), for print: no browser needed; or with --by,
    a bar chart of the ground each side gained per week or month.

    Control areas, the ground retaken since --since (hatched), the front line, the
    settlements, the towns around, a legend, the title and date, and the sources.

    Example: conflictmap image --date 2022-09-11 --since 2022-09-05 --out kharkiv-2022-09-11.png

    Example: conflictmap image --events data/war --by month --since 2024-08-01 --out gains.png
    """
    from conflictmap.render.still import render_chart, render_image

    on, first, last = parse_day(date, "--date"), parse_day(since, "--since"), parse_day(until, "--until")
    with user_errors(), _status("Drawing"):
        data = _open(events, region=region, force=force)
        if by is None:
            written = render_image(data, out, on=on, since=first, title=title, width=width)
        else:
            written = render_chart(data, out, by.value, first, last, title=title, width=width)
    typer.echo(f"wrote {written}")


@app.command()
def geocode(
    names: Annotated[list[str], typer.Argument(help="Place names, or - to read one name per line from stdin.")],
    region: Annotated[str | None, typer.Option(help="Oblast hint, e.g. Kharkiv or Харківська.")] = None,
    online: Annotated[
        bool,
        typer.Option("--online/--offline", help="Ask Nominatim (1 request/s, cached) for names the gazetteer lacks."),
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds per online request.")] = settings.ONLINE_TIMEOUT_S,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per name.")] = False,
) -> None:
    """Resolve place names to coordinates with the offline gazetteer.

    Exit code 0 when every name resolved, 1 when some did not.

    Example: conflictmap geocode Balakliia Izyium "Купʼянськ" --region Kharkiv
    """
    from conflictmap.places.geocoder import Resolver, geocode_names, json_lines

    if names == ["-"]:
        names = [line.strip() for line in sys.stdin if line.strip()]
    if not names:
        fail("no names to geocode: give them as arguments, or - and one per line on stdin")
    resolver = Resolver()
    if online:
        from conflictmap.places.online import NominatimFallback

        resolver.online = NominatimFallback(timeout=timeout)
    results = geocode_names(names, region, resolver)
    for warning in resolver.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if as_json:
        typer.echo(json_lines(results))
    else:
        for r in results:
            if not r.resolved:
                typer.echo(f"{r.query}: not found")
                continue
            note = f"  AMBIGUOUS: {len(r.candidates)} candidates" if r.ambiguous else ""
            typer.echo(
                f"{r.query}: {r.name} ({r.admin1}, {r.country}) {r.lat:.5f}, {r.lon:.5f}  "
                f"score {r.score:g}  {r.place_id}{note}"
            )
    if not all(r.resolved for r in results):
        raise typer.Exit(1)


@app.command()
def stats(
    date: Annotated[str | None, typer.Option(help="Day to report, YYYY-MM-DD (not with --by).")] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Count what Russia held on this day and Ukraine holds on --date; with --by, the first period's day.",
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="With --by: the last day [default: the last change].")] = None,
    by: Annotated[Period | None, typer.Option(help="One row per week or month: held and gained km².")] = None,
    region: RegionOption = None,
    events: EventsOption = None,
    layer: LayerOption = None,
    source: SourceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="With --by: print CSV.")] = False,
    places: Annotated[
        bool, typer.Option("--places", help="With --since and --date: list the places that changed hands.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Settlements and km² held and recaptured on a day, per region, and the front line's length;
    or with --by, the km² held and gained per week or month.

    km² are measured where a map measured them itself (import deepstate --areas) and the
    events counted are that map's alone, else estimated from the Voronoi cells of the
    settlements, clipped to the region, in EPSG:3035; "areas" says which.

    Example: conflictmap stats --date 2022-09-13 --since 2022-09-05 --json

    Example: conflictmap stats --events data/war --by month --since 2024-08-01 --until 2025-08-01
    """
    from conflictmap.analysis import changed_hands
    from conflictmap.control.figures import day_figures, period_figures

    if (date is None) == (by is None):
        fail("give --date for one day, or --by for a row per week or month")
    if places and (since is None or date is None):
        fail("--places lists the places that changed hands between --since and --date: give both")
    day, first, last = parse_day(date, "--date"), parse_day(since, "--since"), parse_day(until, "--until")
    with user_errors(), _status("Reading the events, dividing the region"):
        data = _open(events, layer, source, region, force=force)
        frame, extent, measured = data.events, data.extent, data.measured_alone
        if day is not None:
            figures = day_figures(frame, day, first, extent, measured)
            if places and first is not None:
                figures["changed_hands"] = changed_hands(data, first, day).to_dict("records")
        elif by is not None:
            changes = frame["date"]
            start, end = first or changes.min().date(), last or changes.max().date()
            rows = period_figures(frame, start, end, by.value, extent, measured)
    if by is not None:
        _print_periods(rows, as_json, as_csv)
    elif as_json:
        typer.echo(json.dumps(figures))
    else:
        _print_day(figures, since)


def _print_day(figures: dict[str, Any], since: str | None) -> None:
    held = figures["settlements"]
    km2 = figures["controlled_km2"]
    typer.echo(f"On {figures['date']}: settlements UA {held['UA']}, RU {held['RU']}, contested {held['contested']}")
    in_russia = figures.get("held_in_russia_km2")
    where = " in Ukraine" if in_russia else ""
    typer.echo(
        f"  held km²{where} ({figures['areas']}): "
        f"UA {km2['UA']:,.0f}, RU {km2['RU']:,.0f}, contested {km2['contested']:,.0f}"
    )
    if in_russia:
        typer.echo(f"  held km² in Russia: UA {in_russia['UA']:,.0f}, contested {in_russia['contested']:,.0f}")
    if len(figures["regions"]) > 1:
        for name, region in figures["regions"].items():
            r = region["controlled_km2"]
            typer.echo(f"    {name}: UA {r['UA']:,.0f}, RU {r['RU']:,.0f}, contested {r['contested']:,.0f}")
    if snapshot := figures.get("areas_snapshot"):
        typer.echo(f"  measured by the map of {snapshot['date']}: {snapshot['url']}")
    typer.echo(f"  front line: {figures['frontline_km']:,.0f} km")
    if since:
        typer.echo(
            f"  recaptured since {since}: {figures['recaptured_settlements']} settlements, "
            f"{figures['recaptured_km2']:,.0f} km²"
        )
    if (moved := figures.get("changed_hands")) is not None:
        typer.echo(f"  changed hands since {since}: {len(moved):,} places")
        for p in moved:
            typer.echo(f"    {p['date']}  {p['from']} -> {p['to']}  {p['place']}  {p['place_key']}")


def _print_periods(rows: list[dict[str, Any]], as_json: bool, as_csv: bool) -> None:
    if as_json:
        typer.echo(json.dumps(rows))
        return
    header = ["date", "until", "UA_km2", "RU_km2", "contested_km2", "UA_gained_km2", "RU_gained_km2", "areas"]
    table = [
        [
            r["date"],
            r["until"],
            *(r["controlled_km2"][s] for s in ("UA", "RU", "contested")),
            *((r["gained_km2"] or {}).get(s) for s in ("UA", "RU")),
            r["areas"],
        ]
        for r in rows
    ]
    if as_csv:
        typer.echo("\n".join(",".join("" if v is None else str(v) for v in line) for line in [header, *table]))
        return
    typer.echo(
        f"{'from':10}  {'to':10}  {'UA km²':>9}  {'RU km²':>9}  {'contested':>9}  "
        f"{'UA gained':>9}  {'RU gained':>9}  areas"
    )
    for line in table:
        figures = "  ".join("        -" if v is None else f"{v:>9,.0f}" for v in line[2:7])
        typer.echo(f"{line[0]:10}  {line[1]:10}  {figures}  {line[7]}")


@app.command()
def where(
    place: Annotated[str, typer.Argument(help="A place's name in any spelling: Kupiansk, Купʼянськ, Kupyansk.")],
    date: Annotated[str | None, typer.Option(help="Day of the state [default: the place's last change].")] = None,
    events: EventsOption = None,
    region: Annotated[str | None, typer.Option(help="Oblast hint for a name several places share.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    force: ForceOption = False,
) -> None:
    """Who held a place on a day, since when, and who says so: its state and every change with its sources.

    The place is found as geocode finds names (any spelling, Cyrillic, former names); a name several
    places share is an error listing them (--region chooses the oblast).

    Example: conflictmap where Kupiansk --events data/war --date 2024-12-01
    """
    from conflictmap.analysis import place_story

    with user_errors():
        try:
            story = place_story(_open(events, read=False, force=force), place, parse_day(date, "--date"), region)
        except GeocodeError as exc:
            fail(f"{exc}{'; --region chooses the oblast' if exc.ambiguous and not region else ''}")
    if as_json:
        typer.echo(json.dumps(story.to_dict(), ensure_ascii=False))
    else:
        _print_story(story)


def _print_story(story: PlaceStory) -> None:
    """The place, its state on the day, then each change with its sources, a line each."""
    p = story.place
    typer.echo(f"{p.name} ({p.admin1}, {p.country}) {p.place_id}, {p.lat:.5f}, {p.lon:.5f}")
    if story.state is None:
        typer.echo(f"  no control change of it by {story.day} in these events")
    else:
        typer.echo(f"  on {story.day}: {settings.CONTROL_LABELS[story.state]} since {story.since}")
    for change in story.changes:
        cited = "; ".join(f"{s['publisher']} {s['published']} {s['url']}" for s in change["sources"])
        typer.echo(
            f"  {change['date']} ({change['date_precision']}) {change['before']} -> {change['after']}, "
            f"{change['layer']}, {change['confidence']}: {cited}"
        )


@app.command()
def frontline(
    date: Annotated[str, typer.Option(help="Day of the line, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option(help="GeoJSON file to write.")],
    region: RegionOption = None,
    events: EventsOption = None,
    force: ForceOption = False,
) -> None:
    """Write the front line (LineString/MultiLineString) and control areas (Polygons) on a day.

    Example: conflictmap frontline --date 2022-09-10 --out maps/frontline-2022-09-10.geojson
    """
    from conflictmap._io import atomic_write_text
    from conflictmap.control.frontline import frontline_collection

    if not out.parent.is_dir():
        fail(f"{out}: the folder does not exist")
    with user_errors(), _status("Reading the events, drawing the line"):
        data = _open(events, region=region, read=False, force=force)
        collection = frontline_collection(data.events, parse_day(date, "--date"), data.extent, data.measured_alone)
        atomic_write_text(out, json.dumps(collection, ensure_ascii=False) + "\n")
    typer.echo(f"wrote {out}")


import_app = typer.Typer(
    help="Turn other datasets into conflictmap event files.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(import_app, name="import")

OutFile = Annotated[Path, typer.Option("--out", help="Event file to write (.geojson).")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace --out if it exists.")]


def _save_imported(imported: Imported, out: Path, overwrite: bool = False, append: bool = False) -> None:
    """Write what an import made, and say what was written."""
    from conflictmap.importers.pipelines import save_imported

    for warning in imported.warnings:
        typer.echo(f"warning: {warning}", err=True)
    areas = save_imported(imported, out, overwrite, append)
    changes = sum(f["properties"]["event_type"] == "control_change" for f in imported.features)
    updates = f" from {imported.updates} updates" if imported.updates else ""
    typer.echo(
        f"{'added' if append else 'wrote'} {len(imported.features)} events ({changes} control changes)"
        f"{updates} to {out}"
    )
    if areas is not None:
        typer.echo(f"wrote the areas of {len(imported.areas)} snapshots to {areas}")


@import_app.command("acled")
def import_acled(
    file: Annotated[Path, typer.Argument(help="ACLED export, CSV.")],
    out: OutFile,
    published: Annotated[
        str | None, typer.Option(help="Day you downloaded the export, for files without a timestamp column.")
    ] = None,
    overwrite: Overwrite = False,
) -> None:
    """Import an ACLED CSV export: territory transfers become control changes.

    Other rows keep their type (Battles -> battles); ACLED's source text and
    every column without a place in the event model are kept.

    Example: conflictmap import acled acled-ukraine.csv --out data/events/acled.geojson
    """
    from conflictmap.importers import events_from_acled
    from conflictmap.importers.pipelines import Imported

    with user_errors():
        _save_imported(Imported(events_from_acled(file, parse_day(published, "--published"))), out, overwrite)


@import_app.command("viina")
def import_viina(
    file: Annotated[Path, typer.Argument(help="VIINA control table, CSV (ctr_YYYYMMDD columns).")],
    out: OutFile,
    overwrite: Overwrite = False,
) -> None:
    """Import a VIINA territorial control table: one control change per transition.

    Example: conflictmap import viina control_latest_2022.csv --out data/events/viina-2022.geojson
    """
    from conflictmap.importers import events_from_viina
    from conflictmap.importers.pipelines import Imported

    with user_errors():
        _save_imported(Imported(events_from_viina(file)), out, overwrite)


def parse_time(value: str, option: str) -> dt.datetime:
    """Parse an ISO 8601 time (UTC unless it carries an offset) or Unix seconds, or fail with one line."""
    try:
        when = dt.datetime.fromtimestamp(int(value), dt.UTC) if value.isdigit() else dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        fail(f"{option}: {value!r} is not a time (ISO 8601, e.g. 2022-09-10T14:05+03:00, or Unix seconds)")
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@import_app.command("deepstate")
def import_deepstate(
    out: OutFile,
    snapshots: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Snapshot files (GeoJSON) or folders of them, of either archive; none with --live.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            help="Regions whose settlements to follow: oblasts by any spelling, comma-separated, Ukraine, or a Russian "
            "border oblast (Kursk, Belgorod, Bryansk) [default: Ukraine and the Russian border oblasts].",
        ),
    ] = None,
    places: Annotated[
        Path | None,
        typer.Option(
            help="Follow these places instead of the gazetteer's: CSV (name, lat, lon; place_id, admin1, country "
            "optional) or GeoJSON points with a name.",
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Skip snapshots before this day (Kyiv time), YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Skip snapshots after this day (Kyiv time), YYYY-MM-DD.")] = None,
    time: Annotated[str | None, typer.Option(help="Time of a single snapshot whose file name carries none.")] = None,
    source_url: Annotated[
        str,
        typer.Option(
            help="URL each event cites; {time} and {file} become the snapshot's Unix seconds and file name.",
        ),
    ] = "https://deepstatemap.live/",
    live: Annotated[
        bool, typer.Option("--live", help="Read the live map's updates from its API instead of files.")
    ] = False,
    api: Annotated[str, typer.Option(help="The live map's API (with --live).")] = "https://deepstatemap.live/api",
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="With --live: add to --out the updates after the last one it holds, and nothing else.",
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for each answer of the API (with --live).")
    ] = settings.ONLINE_TIMEOUT_S,
    areas: Annotated[
        bool,
        typer.Option(
            "--areas",
            help="Also measure the km² each state covers per region and snapshot, into <out>.areas.csv "
            "(stats uses them; about 0.05 s more a snapshot).",
        ),
    ] = False,
    overwrite: Overwrite = False,
) -> None:
    """Import DeepStateMap snapshots: each settlement's state per snapshot, one control change per change.

    Reads both public archives in any mix: <unix seconds>.geojson files of named layers and the
    daily deepstatemap_data_YYYYMMDD.geojson files of occupied ground (nameless polygons: occupied;
    where both have a day, the named snapshots stand). Every settlement with its own point (in
    --region) takes the state of the polygon holding it; outside every polygon, its country's
    (Ukrainian-held in Ukraine, Russian-held in Russia). Layer names no rule knows are reported
    and left out.

    With --live, the updates of DeepStateMap's live map are read from its API (at most one request
    a second, each update's GeoJSON kept in the cache folder): the latest alone, those from
    --since, or with --append those after the last one --out holds. Each event cites its update
    and quotes the update's own note.

    Example: conflictmap import deepstate geojsons/ daily/ --region Kharkiv,Donetsk --since 2024-08-01
    --out east.geojson

    Example: conflictmap import deepstate --live --since 2026-11-01 --out live.geojson
    """
    from conflictmap.importers.pipelines import check_out, import_live_updates, import_snapshots

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if live and snapshots:
        fail("--live reads the API, not files: name no snapshot")
    if not live and (append or not snapshots):
        fail("--append goes with --live" if append else "name snapshot files or folders, or pass --live")
    with user_errors():
        check_out(out, overwrite, append)
        if live:
            imported = import_live_updates(
                api, timeout, first, last, region, places, out if append else None, areas, _progress
            )
        else:
            when = parse_time(time, "--time") if time is not None else None
            imported = import_snapshots(
                snapshots or [], region, places, first, last, when, source_url, areas, _progress
            )
        if imported is None:
            typer.echo(f"{out}: up to date" if append else "no update between --since and --until")
            return
        _save_imported(imported, out, overwrite, append)


def _progress(items: Iterable[Any], description: str, total: int) -> Iterable[Any]:
    """A progress bar on stderr, gone when done."""
    from rich.console import Console
    from rich.progress import track

    return track(items, description, total=total, console=Console(stderr=True), transient=True)


class PanelPeriod(str, Enum):
    day = "day"
    week = "week"


class ExportFormat(str, Enum):
    geojson = "geojson"
    geoparquet = "geoparquet"
    csv = "csv"
    kml = "kml"


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Event files or folders, read together [default: data/events].")
    ] = None,
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", help="Output format [default: from --out's suffix].")
    ] = None,
    panel: Annotated[
        PanelPeriod | None,
        typer.Option(help="Write each place's state per day or week instead (.csv or .parquet), a panel for research."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write the events as GeoJSON, GeoParquet, CSV (lon/lat columns) or KML; or with --panel,
    each place's state per day or week.

    GeoJSON and GeoParquet keep every field; CSV flattens the sources into
    source1_publisher, source1_url, ...; KML is dated for Google Earth's time slider. A panel has
    a row per place and period (date, place_key, place, state, lon, lat), the state on the
    period's last day, from the first change to the last.

    Example: conflictmap export data/events --format geoparquet --out events.parquet

    Example: conflictmap export data/war --panel week --out war-weekly.parquet
    """
    from conflictmap.analysis import write_panel
    from conflictmap.events.export import SUFFIX_FORMATS, WRITERS

    if panel is None and fmt is None and out.suffix.lower() not in SUFFIX_FORMATS:
        fail(f"{out}: cannot tell the format from the suffix; pass --format")
    if not out.parent.is_dir():
        fail(f"{out}: the folder does not exist")
    with user_errors():
        data = _open(paths, read=False, force=force)
        if panel is not None:
            typer.echo(f"wrote {write_panel(data, out, panel.value):,} rows to {out} (panel per {panel.value})")
            return
        name = fmt.value if fmt else SUFFIX_FORMATS[out.suffix.lower()]
        WRITERS[name](data.features, out)
    typer.echo(f"wrote {len(data.features)} events to {out} ({name})")


def _open(
    paths: list[Path] | None,
    layer: Layer | None = None,
    source: str | None = None,
    region: str | None = None,
    read: bool = True,
    force: bool = False,
) -> Dataset:
    """The event files at ``paths`` (by default ``data/events``), of ``layer``, cited to ``source``,
    checked as ``validate`` checks them (errors stop the command, unless ``force``, which says so):
    read now (events, extent, metadata, measured areas), or with ``read=False`` part by part when used."""
    from conflictmap.dataset import Dataset

    data = Dataset(paths or [default_events()], layer.value if layer else None, source, region)
    if errors := data.errors(then_read=read):
        count = f"{len(errors):,} error{'s' if len(errors) > 1 else ''}"
        if not force:
            fail(f"{errors[0]} ({count} in all: conflictmap validate lists them; --force goes on)")
        typer.echo(f"warning: going on with {count} that validate finds (--force)", err=True)
    return data.read() if read else data


def _status(message: str) -> Any:
    """A spinner on stderr while a command works."""
    from rich.console import Console

    return Console(stderr=True).status(message)
