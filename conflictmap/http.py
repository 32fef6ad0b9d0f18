"""One polite HTTP client for every network user (the live map's API, Nominatim).

:class:`HttpClient` starts at most one request per ``min_interval`` seconds, gives each whole answer
``timeout`` seconds (a server that drips bytes cannot hold a command hostage), retries passing
failures (no answer, no connection, and the statuses in ``retry_statuses``) with a growing pause,
honouring a 429's ``Retry-After``, and names itself with :data:`conflictmap.settings.USER_AGENT`.
Each failure ends in one :class:`HttpError`. :meth:`HttpClient.download` keeps a body that never
changes (a map update) as a file of the cache folder, fetched once; the geocoder keeps its parsed
answers in its own cache (:mod:`conflictmap.places.answer_cache`), keyed by the question. The
client's clock and sleep are methods a test can replace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import urllib3

from conflictmap import settings
from conflictmap._io import atomic_write_bytes
from conflictmap.errors import ConflictmapError

#: Statuses that may pass: too many requests, and the server's own failures.
PASSING_STATUSES = (429, 500, 502, 503, 504)


class HttpError(ConflictmapError, ConnectionError):
    """A request that failed: ``kind`` is ``"timeout"``, ``"unreachable"`` or ``"status"`` (then
    ``status`` and, when the server asked, ``retry_after`` seconds)."""

    def __init__(self, url: str, kind: str, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{url}: {message}")
        self.url, self.kind, self.status, self.retry_after = url, kind, status, retry_after


class HttpClient:
    """GET with a polite rate, a deadline per answer and retries with a growing pause.

    Parameters
    ----------
    timeout : seconds for one whole answer
    retries : further tries of a request that failed for a passing reason
    min_interval : seconds between the starts of two requests
    retry_statuses : the HTTP statuses worth another try (others fail at once)
    backoff : the first pause before a retry, doubled each time (a ``Retry-After`` stands instead)
    user_agent : how the client names itself
    """

    def __init__(
        self,
        timeout: float = settings.ONLINE_TIMEOUT_S,
        retries: int = 3,
        min_interval: float = 1.0,
        retry_statuses: tuple[int, ...] = PASSING_STATUSES,
        backoff: float = 1.0,
        user_agent: str = settings.USER_AGENT,
    ) -> None:
        self.timeout, self.retries, self.min_interval = timeout, retries, min_interval
        self.retry_statuses, self.backoff = retry_statuses, backoff
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self._last_request: float | None = None

    # -- replaceable in tests -----------------------------------------------------------

    def _clock(self) -> float:
        return time.monotonic()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    # -- requests -----------------------------------------------------------------------

    def get(self, url: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> bytes:
        """The body of a 200 answer to a GET of ``url``.

        Raises
        ------
        HttpError
            when no try got a 200 answer: the last failure.
        """
        for attempt in range(self.retries + 1):
            if self._last_request is not None:
                self._sleep(max(0.0, self._last_request + self.min_interval - self._clock()))
            self._last_request = self._clock()
            try:
                return self._get_once(url, params, headers)
            except HttpError as exc:
                failure = exc
            if failure.kind == "status" and failure.status not in self.retry_statuses:
                break
            if attempt < self.retries:
                wait = failure.retry_after
                self._sleep(wait if wait is not None else self.backoff * 2.0**attempt)
        raise failure

    def download(self, url: str, path: Path, check: Callable[[bytes], None] | None = None) -> Path:
        """``url``'s body kept at ``path`` (a file of the cache folder): fetched only when the file is
        missing, and written (atomically) only once ``check`` accepts it, so nothing broken is kept.

        Raises
        ------
        HttpError
            when the body cannot be fetched; whatever ``check`` raises for a body it refuses;
            :class:`~conflictmap.errors.ConflictmapError` when the file cannot be written.
        """
        if path.exists():
            return path
        body = self.get(url)
        if check is not None:
            check(body)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, body)
        except OSError as exc:
            raise ConflictmapError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        return path

    def _get_once(self, url: str, params: dict[str, Any] | None, headers: dict[str, str] | None) -> bytes:
        deadline = time.monotonic() + self.timeout
        try:
            with self.session.get(url, params=params, headers=headers, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    wait = _retry_after(response.headers.get("Retry-After"))
                    raise HttpError(url, "status", f"answered HTTP {response.status_code}", response.status_code, wait)
                body = bytearray()
                while chunk := response.raw.read1(65536, decode_content=True):  # whatever has arrived
                    body += chunk
                    if time.monotonic() > deadline:
                        raise requests.Timeout()
                return bytes(body)
        except HttpError:
            raise  # an answer that is not a 200 (an HttpError is an OSError too)
        except (requests.Timeout, urllib3.exceptions.TimeoutError):
            raise HttpError(url, "timeout", f"no answer within {self.timeout:g} s") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise HttpError(url, "unreachable", f"cannot be reached ({type(exc).__name__})") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (its seconds form; at most a minute)."""
    try:
        return min(60.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None
