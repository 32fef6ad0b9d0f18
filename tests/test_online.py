"""The Nominatim fallback against a fake server on 127.0.0.1: no test touches the network."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conflictmap.errors import OnlineGeocodeError
from conflictmap.places.answer_cache import AnswerCache
from conflictmap.places.geocoder import Gazetteer, Resolver, geocode_names
from conflictmap.places.online import NominatimFallback

ANSWER = [
    {
        "place_id": 1,
        "osm_type": "node",
        "osm_id": 337,
        "lat": "49.7158",
        "lon": "36.9302",
        "name": "Гракове",
        "display_name": "Гракове, Харківська область, Україна",
        "address": {"state": "Харківська область", "country_code": "ua"},
    }
]


class FakeNominatim(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list[str] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).requests.append(self.path)
        mode = type(self).mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "429":
            self.send_response(429)
            self.send_header("Retry-After", "30")
            self.end_headers()
            return
        if mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
            return
        body = {
            "ok": json.dumps(ANSWER),
            "empty": "[]",
            "badjson": "[{not json",
            "slow": "[]",
            "drip": json.dumps(ANSWER),
        }[mode]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if mode == "drip":
            for byte in body.encode():
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.wfile.write(body.encode())


@pytest.fixture
def server():
    FakeNominatim.requests = []
    FakeNominatim.mode = "ok"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


@pytest.fixture
def fallback(server, tmp_path):
    return NominatimFallback(
        user_agent="conflictmap-tests",
        domain=f"127.0.0.1:{server.server_port}",
        scheme="http",
        timeout=0.5,
        min_delay=0.0,
        max_retries=1,
        cache=AnswerCache(tmp_path / "cache.sqlite"),
    )


def test_answer_is_parsed_and_cached(fallback):
    first = fallback.geocode("Hrakove", region="Kharkiv")
    assert (first.lat, first.lon, first.source) == (49.7158, 36.9302, "nominatim")
    assert (first.place_id, first.country) == ("osm:node/337", "UA")
    second = fallback.geocode("Hrakove", region="Kharkiv")
    assert second.source == "cache" and second.lat == first.lat
    assert len(FakeNominatim.requests) == 1
    assert "countrycodes=ua" in FakeNominatim.requests[0]


def test_no_match_is_an_answer_and_cached(fallback):
    FakeNominatim.mode = "empty"
    assert not fallback.geocode("Nowhere").resolved
    assert len(fallback.cache) == 1


@pytest.mark.parametrize(
    ("mode", "fragment", "requests"),
    [
        ("429", "too many requests (HTTP 429); retry after 30 s", 1),
        ("500", "failed", 1),
        ("badjson", "not valid JSON", 1),
        ("slow", "did not answer in time", 2),  # a timeout is retried once
    ],
)
def test_faults_are_one_clear_error_and_never_cached(fallback, mode, fragment, requests):
    FakeNominatim.mode = mode
    start = time.monotonic()
    with pytest.raises(OnlineGeocodeError, match="Nominatim at 127.0.0.1") as info:
        fallback.geocode("Hrakove")
    assert fragment in str(info.value)
    assert time.monotonic() - start < 3
    assert len(FakeNominatim.requests) == requests
    assert len(fallback.cache) == 0
    assert isinstance(info.value, ConnectionError)


def test_slow_drip_ends_within_the_timeout(fallback):
    FakeNominatim.mode = "drip"  # ~15 s of bytes, 0.05 s apart: every read is quicker than the timeout
    start = time.monotonic()
    with pytest.raises(OnlineGeocodeError, match="did not answer in time"):
        fallback.geocode("Hrakove")
    assert time.monotonic() - start < 2 * (0.5 + 0.5) + 0.5  # two tries of 0.5 s, with slack
    assert len(fallback.cache) == 0


def test_refused_connection(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fallback = NominatimFallback(
        domain=f"127.0.0.1:{port}", scheme="http", timeout=0.5, min_delay=0.0, cache=AnswerCache(tmp_path / "c.sqlite")
    )
    with pytest.raises(OnlineGeocodeError, match="unreachable"):
        fallback.geocode("Hrakove")


def test_resolver_uses_fallback_only_for_unknown_names_and_gives_up_once(fallback):
    resolver = Resolver(Gazetteer.default(), online=fallback)
    results = geocode_names(["Izium", "Xyzzyville"], resolver=resolver)
    assert [r.source for r in results] == ["gazetteer", "nominatim"]
    assert len(FakeNominatim.requests) == 1
    FakeNominatim.mode = "500"
    resolver = Resolver(Gazetteer.default(), online=fallback)
    results = geocode_names(["Qwertyuiop", "Asdfghjkl"], resolver=resolver)
    assert [r.resolved for r in results] == [False, False]
    assert len(resolver.warnings) == 1 and "offline answers stand" in resolver.warnings[0]
    assert len(FakeNominatim.requests) == 2  # the second name did not hit the broken server


def test_rate_limiter_spaces_requests(server, tmp_path):
    fallback = NominatimFallback(
        domain=f"127.0.0.1:{server.server_port}",
        scheme="http",
        timeout=1,
        min_delay=0.3,
        cache=AnswerCache(tmp_path / "c.sqlite"),
    )
    start = time.monotonic()
    for name in ("a1", "a2", "a3"):
        fallback.geocode(name)
    assert time.monotonic() - start >= 0.6
