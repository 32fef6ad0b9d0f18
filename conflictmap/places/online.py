"""Online fallback: geopy's Nominatim behind a rate limiter and a persistent cache.

Used only when asked (``--online``). Network faults become one
:class:`~conflictmap.errors.OnlineGeocodeError` with a clear message; the
offline answer then stands, and the cache never stores a failure.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import requests
import urllib3
from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from conflictmap import settings
from conflictmap.errors import OnlineGeocodeError
from conflictmap.places.answer_cache import AnswerCache, request_key
from conflictmap.places.gazetteer import GeocodeResult

# geopy logs each retried error with its traceback; our one-line messages say it all.
logging.getLogger("geopy").addHandler(logging.NullHandler())


class _DeadlineAdapter(RequestsAdapter):
    """HTTP for geopy with one deadline for the whole answer and no hidden retries.

    urllib3's own retries (which sleep out a 429's Retry-After) are off: the rate
    limiter decides. The body is streamed and abandoned once ``timeout`` seconds
    have passed, so a server that drips bytes cannot hold a command hostage.
    """

    def __init__(self, *, proxies: Any, ssl_context: Any) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context, max_retries=0)
        self.session.stream = True

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        deadline = time.monotonic() + timeout
        body = bytearray()
        with self._request(url, timeout=timeout, headers=headers) as response:
            try:
                while chunk := response.raw.read1(65536):  # whatever has arrived, not a full block
                    body += chunk
                    if time.monotonic() > deadline:
                        raise GeocoderTimedOut("Service timed out")
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
                raise GeocoderTimedOut("Service timed out") from None
            return body.decode(response.encoding or "utf-8", errors="replace")

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError:
            raise GeocoderParseError(f"Could not deserialize using deserializer:\n{text[:200]}") from None


class _TransientRetry(RateLimiter):
    """Retry only faults that may pass (timeouts, 5xx); a 429 or bad answer is final."""

    _retry_exceptions = (GeocoderTimedOut, GeocoderUnavailable)


class NominatimFallback:
    """Geocode with Nominatim, one request per ``min_delay`` seconds, cached.

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
        self.geocoder = Nominatim(
            user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout, adapter_factory=_DeadlineAdapter
        )
        self._search = _TransientRetry(
            self.geocoder.geocode,
            min_delay_seconds=min_delay,
            max_retries=max_retries,
            error_wait_seconds=min_delay,
            swallow_exceptions=False,
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
            locations = self._search(
                text, exactly_one=False, limit=5, country_codes=self.country_codes, addressdetails=True
            )
        except GeocoderRateLimited as exc:
            wait = f"; retry after {exc.retry_after:g} s" if exc.retry_after else ""
            raise OnlineGeocodeError(f"Nominatim at {self.domain} refused: too many requests (HTTP 429){wait}") from None
        except GeocoderTimedOut:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} did not answer in time") from None
        except GeocoderUnavailable:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} is unreachable (no network, or the server is down)") from None
        except GeocoderParseError:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} sent an answer that is not valid JSON") from None
        except GeocoderServiceError as exc:
            raise OnlineGeocodeError(f"Nominatim at {self.domain} failed: {str(exc).splitlines()[0]}") from None
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
            {"name": a.get("display_name"), "lat": float(a["lat"]), "lon": float(a["lon"]),
             "place_id": f"osm:{a.get('osm_type')}/{a.get('osm_id')}"}
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

