"""The live map's import against a fake of its API on 127.0.0.1: no test touches the network."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conflictmap.events.store import read_features, read_members
from conflictmap.http import HttpClient
from conflictmap.importers.deepstate_live import LiveMap, LiveMapError, Update, updates_to_read
from tests.helpers import invoke

# 2026-10-01 18:00, 2026-10-02 18:00 and 2026-10-03 18:00 UTC
U1, U2, U3 = 1790877600, 1790964000, 1791050400


def box(west: float, east: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, 49.0], [east, 49.0], [east, 50.0], [west, 50.0], [west, 49.0]]]}


def occupied(west: float, east: float) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Окуповано /// Occupied"}, "geometry": box(west, east)},
        ],
    }


class FakeApi(BaseHTTPRequestHandler):
    """The API's three routes; ``maps`` holds each update's GeoJSON, ``failures`` answers to give first."""

    maps: dict[int, dict] = {}
    failures: list[tuple[int, dict[str, str]]] = []
    log: list[tuple[float, str]] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        cls = type(self)
        cls.log.append((time.monotonic(), self.path))
        if cls.failures:
            status, headers = cls.failures.pop(0)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        if self.path == "/api/history/public":
            body = [
                {
                    "id": i,
                    "createdAt": f"{i}",
                    "description": f"Оновлення {i}",
                    "descriptionEn": f"Update {i}: the enemy advanced.",
                }
                for i in cls.maps
            ]
        elif self.path.startswith("/api/history/") and self.path.endswith("/geojson"):
            body = cls.maps.get(int(self.path.split("/")[3]))
        else:
            body = None
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def api(monkeypatch, tmp_path):
    """The fake API's base URL; each test starts with two updates, no failures and an empty cache folder."""
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    FakeApi.maps = {U1: occupied(36.5, 38.0), U2: occupied(37.0, 38.0)}  # Balakliia freed in the second
    FakeApi.failures, FakeApi.log = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


@pytest.fixture
def places(tmp_path) -> Path:
    path = tmp_path / "places.csv"
    path.write_text(
        "name,lat,lon,place_id\nBalakliia,49.456,36.844,p:balakliia\nKupiansk,49.710,37.616,p:kupiansk\n",
        encoding="utf-8",
    )
    return path


def paths() -> list[str]:
    return [path for _, path in FakeApi.log]


def test_live_import_cites_each_update_quotes_its_note_and_waits_a_second_between_requests(
    api, places, tmp_path, runner
):
    out = tmp_path / "live.geojson"
    result = invoke(
        runner,
        "import",
        "deepstate",
        "--live",
        "--api",
        api,
        "--since",
        "2026-10-01",
        "--places",
        str(places),
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    got = sorted(
        (
            f["properties"]["place"],
            f["properties"]["date"],
            f["properties"]["control_after"],
            f["properties"]["sources"][0]["url"],
            f["properties"]["sources"][0]["quote"],
        )
        for f in read_features(out)
    )
    assert got == [
        ("Balakliia", "2026-10-01", "RU", f"{api}/history/{U1}/geojson", f"Update {U1}: the enemy advanced."),
        ("Balakliia", "2026-10-02", "UA", f"{api}/history/{U2}/geojson", f"Update {U2}: the enemy advanced."),
        ("Kupiansk", "2026-10-01", "RU", f"{api}/history/{U1}/geojson", f"Update {U1}: the enemy advanced."),
    ]
    assert read_members(out)["deepstate_live"] == {"api": api, "last_update": U2}
    assert {f["properties"]["sources"][0]["quote_uk"] for f in read_features(out)} == {
        f"Оновлення {U1}",
        f"Оновлення {U2}",
    }
    assert paths() == ["/api/history/public", f"/api/history/{U1}/geojson", f"/api/history/{U2}/geojson"]
    times = [t for t, _ in FakeApi.log]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.99


def test_append_adds_only_the_updates_after_the_files_last_and_downloads_nothing_twice(api, places, tmp_path, runner):
    out = tmp_path / "live.geojson"
    args = ["import", "deepstate", "--live", "--api", api, "--places", str(places)]
    assert invoke(runner, *args, "--since", "2026-10-01", "--out", str(out)).exit_code == 0
    before = read_features(out)
    FakeApi.maps[U3] = occupied(36.5, 38.0)  # Balakliia occupied again
    FakeApi.log = []
    result = invoke(runner, *args, "--append", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert paths() == ["/api/history/public", f"/api/history/{U3}/geojson"]
    after = read_features(out)
    added = [f for f in after if f["id"] not in {g["id"] for g in before}]
    assert [
        (f["properties"]["place"], f["properties"]["control_before"], f["properties"]["control_after"]) for f in added
    ] == [("Balakliia", "UA", "RU")]  # Kupiansk did not change: no event
    assert read_members(out)["deepstate_live"]["last_update"] == U3
    text = out.read_text(encoding="utf-8")
    FakeApi.log = []
    result = invoke(runner, *args, "--append", "--out", str(out))
    assert result.exit_code == 0 and "up to date" in result.output
    assert out.read_text(encoding="utf-8") == text and paths() == ["/api/history/public"]
    # a new file from the same updates reads them from the cache folder
    FakeApi.log = []
    assert invoke(runner, *args, "--since", "2026-10-01", "--out", str(tmp_path / "again.geojson")).exit_code == 0
    assert paths() == ["/api/history/public"]


def test_passing_failures_are_retried_after_a_pause(api):
    FakeApi.failures = [(503, {}), (429, {"Retry-After": "2"})]
    client = LiveMap(api, min_interval=0.0)
    pauses: list[float] = []
    client.http._sleep = pauses.append  # type: ignore[method-assign]
    assert [u.id for u in client.updates()] == [U1, U2]
    assert paths() == ["/api/history/public"] * 3
    assert [p for p in pauses if p > 0] == [1.0, 2.0]  # 2**0 s after the 503, Retry-After after the 429


def test_an_update_quotes_its_english_note_and_its_ukrainian_beside_it():
    assert Update(U1, description="Ворог просунувся.", descriptionEn="The enemy advanced.").quotes == {
        "quote": "The enemy advanced.",
        "quote_uk": "Ворог просунувся.",
    }
    assert Update(U1, description="Ворог просунувся.").quotes == {"quote": "Ворог просунувся."}
    assert Update(U1, description=" ", descriptionEn=None).quotes == {}


def test_updates_to_read():
    updates = [Update(U1), Update(U2), Update(U3)]
    assert updates_to_read(updates, None, None) == [Update(U3)]  # the map as it is now
    assert updates_to_read(updates, None, U1) == [Update(U2), Update(U3)]
    import datetime as dt

    assert updates_to_read(updates, dt.date(2026, 10, 2), None) == [Update(U2), Update(U3)]
    assert updates_to_read(updates, None, None, dt.date(2026, 10, 2)) == [Update(U2)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "case", ["unreachable", "broken snapshot", "not found", "append to a file no live import wrote"]
)
def test_failures_are_one_line_exit_2_and_leave_the_file_unchanged(api, places, tmp_path, runner, case, monkeypatch):
    pauses, now = [], [0.0]  # a clock that the pauses move on: no waiting out the retries
    monkeypatch.setattr(HttpClient, "_clock", lambda self: now[0])
    monkeypatch.setattr(
        HttpClient, "_sleep", lambda self, seconds: pauses.append(seconds) or now.__setitem__(0, now[0] + seconds)
    )
    out = tmp_path / "live.geojson"
    out.write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    url, extra = api, ["--overwrite"]
    if case == "unreachable":
        url = f"http://127.0.0.1:{free_port()}/api"
    elif case == "broken snapshot":
        FakeApi.maps[U2] = b'{"type": "FeatureCollection", "features": [{'
    elif case == "not found":
        url = f"{api}/v2"
    else:
        extra = ["--append"]
    result = invoke(
        runner,
        "import",
        "deepstate",
        "--live",
        "--api",
        url,
        "--timeout",
        "2",
        "--since",
        "2026-10-01",
        "--places",
        str(places),
        "--out",
        str(out),
        *extra,
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.count("Error:") == 1 and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == text
    assert not list((tmp_path / "cache").glob(f"deepstate/*/{U2}.geojson"))  # nothing broken is kept
    if case == "unreachable":
        assert "cannot be reached" in result.stderr and [p for p in pauses if p > 0] == [1.0, 2.0, 4.0]


def test_live_and_files_do_not_mix(api, tmp_path, runner):
    result = invoke(runner, "import", "deepstate", str(tmp_path), "--live", "--out", str(tmp_path / "o.geojson"))
    assert result.exit_code == 2 and "name no snapshot" in result.stderr
    result = invoke(runner, "import", "deepstate", "--append", "--out", str(tmp_path / "o.geojson"))
    assert result.exit_code == 2 and "--append goes with --live" in result.stderr
    with pytest.raises(LiveMapError, match="not an http"):
        LiveMap("ftp://example.org/api")
