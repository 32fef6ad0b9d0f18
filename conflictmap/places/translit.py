"""Place names as reports spell them, folded into keys that compare equal.

``name_keys`` turns a name in any common spelling (Ukrainian or Russian
Cyrillic, the 2010 Ukrainian national romanisation, older Russian-based ones,
diacritics, apostrophes) into match keys: Балаклія, Балаклея, Balakliia,
Balakliya and Balakleya all fold to keys that are equal or one edit apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# fmt: off
#: Ukrainian national system (Cabinet of Ministers resolution No. 55, 2010):
#: the letters whose romanisation depends on position are in _UA_INITIAL.
_UA = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    # Russian letters in Ukrainian text (older names) read the Russian way
    "ы": "y", "э": "e", "ё": "e", "ъ": "",
})
_UA_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
#: Russian BGN/PCGN-style romanisation as used by most English-language reports.
_RU = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian letters in Russian-style spellings
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "'": "", "’": "", "ʼ": "",
})
# fmt: on
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UA_WORD_INITIAL = re.compile(r"(?:(?<=^)|(?<=[\s\-]))([єїйюя])")
_ZGH = re.compile(r"зг")
#: Folds that make romanisations meet, in order: ye/e, kh/h, g/h, then y/j/i, then doubled letters.
_FOLDS = (("ye", "e"), ("kh", "h"), ("g", "h"))
_Y_J = str.maketrans("yj", "ii")
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]")


def strip_diacritics(text: str) -> str:
    """Drop accents and other combining marks: ``Čuhujiv`` -> ``Cuhujiv``."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def romanise_ukrainian(text: str) -> str:
    """Romanise Ukrainian Cyrillic by the 2010 national system (lower case)."""
    text = text.lower()
    text = _UA_WORD_INITIAL.sub(lambda m: _UA_INITIAL[m.group(1)], text)
    return _ZGH.sub("zgh", text).translate(_UA)


def romanise_russian(text: str) -> str:
    """Romanise Russian Cyrillic the BGN/PCGN way (lower case)."""
    return text.lower().translate(_RU)


def fold(latin: str) -> str:
    """Fold a romanised name into a match key: ``Balakliya`` -> ``balaklia``."""
    key = strip_diacritics(latin).lower()
    for old, new in _FOLDS:
        key = key.replace(old, new)
    return _NOT_LETTER.sub("", _DOUBLED.sub(r"\1", key.translate(_Y_J)))


@lru_cache(maxsize=1 << 16)
def name_keys(name: str) -> frozenset[str]:
    """All match keys of a name: one for Latin input, one per romanisation for Cyrillic."""
    name = unicodedata.normalize("NFC", name).strip()
    if _CYRILLIC.search(name):
        keys = {fold(romanise_ukrainian(name)), fold(romanise_russian(name))}
    else:
        keys = {fold(name)}
    keys.discard("")
    return frozenset(keys)
