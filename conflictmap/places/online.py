"""Online fallback: geopy's Nominatim through the one HTTP client, with a persistent cache.

Used only when asked (``--online``). Network faults become one
:class:`~conflictmap.errors.OnlineGeocodeError` with a clear message; the
offline answer then stands, and the cache never stores a failure.
"""

from __future__ import annotations

import json
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderParseError
from geopy.geocoders import Nominatim

from conflictmap import settings
from conflictmap.errors import OnlineGeocodeError
from conflictmap.http import HttpClient, HttpError
from conflictmap.places.answer_cache import AnswerCache, request_key
from conflictmap.places.gazetteer import GeocodeResult


class _ClientAdapter(BaseSyncAdapter):
    """geopy's transport through :class:`conflictmap.http.HttpClient`: its rate, deadline and retries."""

    def __init__(self, client: HttpClient, *, proxies: Any, ssl_context: Any) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.client = client

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        return self.client.get(url, headers=headers).decode("utf-8", errors="replace")

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError:
            raise GeocoderParseError(f"Could not deserialize using deserializer:\n{text[:200]}") from None


class NominatimFallback:
    """Geocode with Nominatim, one request per ``min_delay`` seconds, cached; a timeout or an
    unreachable server is tried again, a refusal (429) or a failure (5xx) is final.

    Parameters
    ----------
    user_agent : identifies the application, as Nominatim's usage policy asks
    domain, scheme : the server (tests point them at a fake on 127.0.0.1)
    timeout : seconds per request
    min_delay : seconds between requests (Nominatim's policy: at least 1)
    max_retries : retries after a timeout or an unavailable server
    cache : where answers are kept (default: the user cache folder)
    country_codes : limit results to these countries
    """

    provider = "nominatim"

    def __init__(
        self,
        user_agent: str = settings.USER_AGENT,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        timeout: float = settings.ONLINE_TIMEOUT_S,
        min_delay: float = 1.0,
        max_retries: int = 1,
        cache: AnswerCache | None = None,
        country_codes: tuple[str, ...] = settings.GAZETTEER_COUNTRIES,
    ) -> None:
        self.domain = domain
        self.country_codes = [c.lower() for c in country_codes]
        client = HttpClient(
            timeout, max_retries, min_delay, retry_statuses=(), backoff=min_delay, user_agent=user_agent
        )
        self.geocoder = Nominatim(
            user_agent=user_agent,
            domain=domain,
            scheme=scheme,
            timeout=timeout,
            adapter_factory=lambda **kwargs: _ClientAdapter(client, **kwargs),
        )
        self.cache = cache if cache is not None else AnswerCache()

    def geocode(self, query: str, region: str | None = None) -> GeocodeResult:
        """Resolve ``query`` online; a cached answer is returned without a request.

        Raises
        ------
        OnlineGeocodeError
            when the server cannot be reached or gives no usable answer.
        """
        text = f"{query}, {region}" if region else query
        params = {"q": text, "countrycodes": self.country_codes, "limit": 5, "addressdetails": 1}
        key = request_key(self.provider, params)
        cached = self.cache.get(key)
        if cached is not None:
            return self._result(query, cached, source="cache")
        try:
            locations = self.geocoder.geocode(
                text, exactly_one=False, limit=5, country_codes=self.country_codes, addressdetails=True
            )
        except HttpError as exc:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} {_failure(exc)}") from None
        except GeocoderParseError:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} sent an answer that is not valid JSON") from None
        answer = [loc.raw for loc in locations or []]
        self.cache.put(key, answer)
        return self._result(query, answer, source=self.provider)

    @staticmethod
    def _result(query: str, answer: list[dict[str, Any]], source: str) -> GeocodeResult:
        if not answer:
            return GeocodeResult(query, source=source)
        best = answer[0]
        address = best.get("address") or {}
        spots = {(round(float(a["lat"]), 1), round(float(a["lon"]), 1)) for a in answer}
        candidates = tuple(
            {
                "name": a.get("display_name"),
                "lat": float(a["lat"]),
                "lon": float(a["lon"]),
                "place_id": f"osm:{a.get('osm_type')}/{a.get('osm_id')}",
            }
            for a in answer
        )
        return GeocodeResult(
            query=query,
            name=best.get("name") or best.get("display_name"),
            lat=float(best["lat"]),
            lon=float(best["lon"]),
            admin1=address.get("state"),
            country=(address.get("country_code") or "").upper() or None,
            place_id=f"osm:{best.get('osm_type')}/{best.get('osm_id')}",
            score=100.0,
            ambiguous=len(spots) > 1,
            candidates=candidates if len(spots) > 1 else (),
            source=source,
            geo_precision="settlement",
        )


def _failure(exc: HttpError) -> str:
    """What went wrong, for one line after "Nominatim at <domain>"."""
    if exc.kind == "timeout":
        return "did not answer in time"
    if exc.kind == "unreachable":
        return "is unreachable (no network, or the server is down)"
    if exc.status == 429:
        wait = f"; retry after {exc.retry_after:g} s" if exc.retry_after else ""
        return f"refused: too many requests (HTTP 429){wait}"
    return f"failed: HTTP {exc.status}"
