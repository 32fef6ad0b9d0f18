"""Text helpers shared by every layer."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str, separator: str = "-") -> str:
    """Lower-case ASCII words joined by ``separator``.

    ``"Explosions/Remote violence"`` -> ``explosions-remote-violence``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)
