"""Python values into a page: JSON that no text inside can break out of."""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element

_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """Serialise ``value`` for a ``<script>`` block.

    ``<``, ``>`` and ``&`` are escaped as ``\\u`` sequences, so a field holding
    ``</script>`` cannot end the block, and the result is still valid JSON.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _UNSAFE.items():
        text = text.replace(char, escaped)
    return text


class RawHTML(Element):
    """A piece of trusted HTML (our own assets), emitted as is, without templating."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html

    def render(self, **kwargs: Any) -> str:
        return self.html
